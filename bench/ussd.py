"""The USSD benchmark (issue 4): 1,000 complete buy sessions against a running server.

For each database asked for (``--db sqlite``, ``postgres`` or ``both``) it builds a fresh
database and migrates it, creates one approved village with a service centre run by an
operator, one approved shop with nine products in three top-level categories (stock enough for
every order) and one registered villager per session, each with a PIN and the centre as home
(through the villages, catalogue and accounts services). Then it starts gunicorn (sync workers,
``DEBUG`` off, the channels' shared secret set and sent) and runs the sessions from
``--concurrency`` client threads, each hop a real HTTP ``POST /channels/ussd/`` by Africa's
Talking's protocol (``text`` is every input of the session joined by ``*``):

    home ("") -> buy ("1") -> category -> product -> quantity -> confirm ("1")
    -> pay (mobile money or cash) -> pin -> END "Order SK-000123. ..."

The options on each screen are found by their labels, as a person reads them. Four sessions in
five pay cash at the centre, one in five by mobile money. Both defer the payment request to a
task (a USSD hop never waits for a provider); no task worker runs here, so those requests stay
queued (their count is printed) and the orders stay waiting for payment, with their stock
reserved. A few sessions warm every worker up first and are not timed.

The time reported per step is the server's own time for the hop, read from the answer's
``Server-Timing: app;dur=<ms>`` header (the USSD engine, its queries and the answer; not
gunicorn, the middleware or the network); the client's round trip (connect, send, answer) is
shown for information. Afterwards it checks: every session ended with an order number, one
order per session and those very numbers in the database, no answer other than 200, the stock
of each product down by exactly the quantities ordered, one payment request per session by the
method chosen, and ``manage.py ledger_check`` passing. Servers and databases are removed at the
end.

    .venv/bin/python bench/ussd.py                      # SQLite and PostgreSQL, 1,000 sessions
    .venv/bin/python bench/ussd.py --db postgres --sessions 200
    .venv/bin/python bench/ussd.py --db sqlite --profile    # and where the time of a hop goes

Prints a table per database (step, n, server p50/p99/max, client p50/p99) and a line such as
``db=postgres sessions=1000 steps=8000 server p50=…ms p99=…ms client p99=…ms errors=0
ledger=ok``. The exit status is 1 when a correctness check fails, 2 when only the budget
(server time of a USSD step, p99 over all steps <= 50 ms, DESIGN.md section 5) is broken, 0
otherwise; a step whose own p99 is above 50 ms is named in a note.
PostgreSQL is reached at ``BENCH_POSTGRES_URL`` (default ``postgres://postgres@127.0.0.1:5432``),
database ``sokoni_bench_ussd``; SQLite uses a file in a temporary directory, served by the same
gunicorn: settings give every SQLite connection WAL, ``BEGIN IMMEDIATE`` transactions and a 20 s
busy timeout, so the worker processes' writes queue instead of failing. ``--profile`` then runs
more sessions in-process (Django's test client, the same database) and prints per step the
server time, CPU time, SQL time, query count and queries sent twice in one hop, then the
queries of the slowest step and its cProfile. Not part of ``make bench``: run it on its own.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import (
    HOST,
    PG_BASE,
    PYTHON,
    ROOT,
    cpu_model,
    free_port,
    percentile,
    postgres_database,
    run_child,
    serve_village,
    start_server,
    stop,
    wait_ready,
)

DB_NAME = "sokoni_bench_ussd"
P99_BUDGET_MS = 50.0
SERVICE_CODE = "*384*7#"
NETWORK_CODE = "63902"  # Safaricom
PIN = "4071"
MAX_QUANTITY = 3  # a session orders 1 to 3 units
MOBILE_EVERY = 5  # every fifth session pays by mobile money, the others cash
PROFILED = 20  # --profile: sessions whose slowest step runs under cProfile, after the others
STEPS = ("home", "buy", "category", "product", "quantity", "confirm", "pay", "pin")
# (top-level category slug to sell in, its leaf category slug, the products: name, price KES)
CATALOGUE = (
    ("coffee-tea", "coffee", (("Kirinyaga coffee 250g", 450), ("Nyeri AA coffee 500g", 900))),
    ("coffee-tea", "tea", (("Kericho tea 250g", 300),)),
    ("sugar-sweeteners", "honey", (("Acacia honey 500g", 650), ("Forest honey 1kg", 1_200))),
    ("sugar-sweeteners", "jaggery", (("Cane jaggery 1kg", 250),)),
    ("grains-pulses", "rice", (("Mwea pishori rice 2kg", 520), ("Brown rice 1kg", 310))),
    ("grains-pulses", "wheat", (("Wheat flour 2kg", 220),)),
)
ORDER_NUMBER = re.compile(r"\bSK-\d+\b")


def log(message: str) -> None:
    print(message, flush=True)


def phone_of(n: int) -> str:
    return f"+2547118{n:05d}"


# -- the database and the world (run in a child process with Django set up) ------------------


def child_setup(out: Path, villagers: int, stock: int) -> None:
    """Create the village, centre, shop, products and villagers; write what the clients need."""
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from sokoni.accounts.models import User
    from sokoni.accounts.services import pin_set, villager_register
    from sokoni.catalog.models import Category
    from sokoni.catalog.services import (
        category_tree_install,
        product_create,
        product_publish,
        shop_approve,
        shop_open,
    )
    from sokoni.villages.services import (
        resident_set_centre,
        service_centre_create,
        village_apply,
        village_approve,
    )

    category_tree_install()
    password = make_password(secrets.token_urlsafe(16))
    staff = User.objects.create(
        phone="+254700910001", name="USSD staff", password=password, is_staff=True
    )
    seller = User.objects.create(phone="+254700910002", name="Wanjiru", password=password)
    operator = User.objects.create(phone="+254700910003", name="Kamau", password=password)
    village = village_apply(
        applicant=seller,
        name="Othaya",
        country="KE",
        region="Nyeri",
        latitude=Decimal("-0.55"),
        longitude=Decimal("36.94"),
        households=400,
        description="A village for the USSD benchmark.",
        specialities="Coffee\nHoney",
        contact_name=seller.name,
        contact_phone=seller.phone,
    )
    village_approve(village=village, by=staff)
    serve_village(village)
    centre = service_centre_create(
        village=village,
        by=staff,
        name="Othaya Centre",
        address="Market road",
        hours="Mon-Sat 8:00-18:00",
        phone="+254700910004",
        operator_phone=operator.phone,
    )
    shop = shop_open(owner=seller, village=village, name="Othaya Farmers", currency="KES")
    shop_approve(shop=shop, actor=staff)
    products = []
    for root_slug, leaf_slug, items in CATALOGUE:
        root = Category.objects.get(slug=root_slug)
        leaf = Category.objects.get(slug=leaf_slug)
        for name, price in items:
            made = product_create(
                shop=shop, name=name, category=leaf, price_minor=price * 100, stock=stock
            )
            product_publish(product=made)
            products.append({"id": made.pk, "name": name, "category": root.name, "stock": stock})
    with transaction.atomic():
        for n in range(villagers):
            user = villager_register(phone=phone_of(n), name=f"Villager {n + 1}")
            resident_set_centre(user=user, centre=centre)
            pin_set(user=user, new_pin=PIN)
    out.write_text(json.dumps({"products": products, "centre": centre.name}))


def child_verify(out: Path) -> None:
    """Stock and units ordered per product, orders, payment requests, queued tasks: as JSON."""
    import django

    django.setup()
    from django.db.models import Count, Sum
    from django_tasks_db.models import DBTaskResult

    from sokoni.catalog.models import Product
    from sokoni.channels.models import UssdSession
    from sokoni.orders.models import Order, OrderLine
    from sokoni.orders.states import OrderStatus
    from sokoni.payments.models import PaymentIntent

    live = OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
    units = dict(live.values_list("product_id").annotate(n=Sum("quantity")).order_by())
    tasks = DBTaskResult.objects.values_list("task_path", "status").annotate(n=Count("id"))
    result = {
        "stock": {str(pk): stock for pk, stock in Product.objects.values_list("pk", "stock")},
        "units": {str(pk): n for pk, n in units.items()},
        "orders": [order.number for order in Order.objects.only("pk")],
        "statuses": dict(Counter(Order.objects.values_list("status", flat=True))),
        "intents": dict(
            Counter(
                PaymentIntent.objects.filter(purpose="checkout").values_list("method", flat=True)
            )
        ),
        "sessions": UssdSession.objects.count(),
        "tasks": [
            f"{path.rsplit('.', 1)[-1]} {status}: {n}" for path, status, n in tasks.order_by()
        ],
    }
    out.write_text(json.dumps(result))


def child_profile(villagers: int, sessions: int, products: list[dict], step_asked: str) -> None:
    """Where the time of a hop goes: more sessions in-process, with queries and cProfile.

    Django's test client posts through the whole stack against the benchmark's database (the
    server has stopped, so only this process works on it). Per hop: the server time from the
    answer's header, this process's CPU time (what a busy machine does not inflate), each query
    with its own time, and the same query sent twice in one hop. The hops of the slowest step
    (or of ``step_asked``) run under cProfile; the first sessions warm up and are not counted."""
    import cProfile
    import io
    import pstats

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_X_SOKONI_SECRET=os.environ["CHANNELS_SECRET"])
    rng = random.Random(7)
    warmup = 3
    times: dict[str, list[float]] = {step: [] for step in STEPS}
    cpu: dict[str, list[float]] = {step: [] for step in STEPS}
    sql_ms: dict[str, list[float]] = {step: [] for step in STEPS}
    queries: dict[str, list[int]] = {step: [] for step in STEPS}
    sample: dict[str, list[tuple[float, str]]] = {}
    profile = cProfile.Profile()
    slowest = ""
    measured = sessions - PROFILED
    run = uuid.uuid4().hex[:8]
    captured: list[tuple[float, str]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append(((time.perf_counter() - start) * 1000, sql))

    def post(n: int, text: str, step: str) -> str:
        data = {
            "sessionId": f"ATUid_profile_{n}_{run}",
            "serviceCode": SERVICE_CODE,
            "phoneNumber": phone_of(n % villagers),
            "networkCode": NETWORK_CODE,
            "text": text,
        }
        counted = warmup <= n < measured
        profiled = n >= measured and step == slowest
        captured.clear()
        started = time.process_time()
        with connection.execute_wrapper(timed):
            if profiled:
                profile.enable()
            response = client.post("/channels/ussd/", data)
            if profiled:
                profile.disable()
        if counted:
            cpu[step].append((time.process_time() - started) * 1000)
            times[step].append(server_timing(response.headers.get("Server-Timing", "")))
            sql_ms[step].append(sum(ms for ms, _sql in captured))
            queries[step].append(len(captured))
            sample.setdefault(step, list(captured))
        return response.content.decode()

    def dial_in_process(n: int) -> None:
        plan = Plan.draw(rng, products, n)
        inputs: list[str] = []
        reply = post(n, "", "home")
        for step in STEPS[1:]:
            inputs.append(plan.input_for(step, reply))
            reply = post(n, "*".join(inputs), step)

    for n in range(measured):
        dial_in_process(n)
    counted = measured - warmup
    log(f"in-process, {counted} sessions after {warmup} (Django test client, same database):")
    log(
        f"  {'step':<10} {'p50 ms':>7} {'p99 ms':>7} {'mean ms':>7} {'CPU ms':>7} {'SQL ms':>7}"
        f" {'queries':>7}  sent twice or more in one hop"
    )
    for step in STEPS:
        shapes = Counter(re.sub(r"'[^']*'|\b\d+\b", "?", sql) for _ms, sql in sample[step])
        twice = [f"{n}x {sql[:70]}" for sql, n in shapes.items() if n > 1]
        log(
            f"  {step:<10} {percentile(times[step], 50):>7.2f} {percentile(times[step], 99):>7.2f}"
            f" {sum(times[step]) / counted:>7.2f} {sum(cpu[step]) / counted:>7.2f}"
            f" {sum(sql_ms[step]) / counted:>7.2f} {max(queries[step]):>7}  {'; '.join(twice)}"
        )
    log(
        "  (p50/p99/mean: the Server-Timing of the hop; CPU: this process's CPU time for the whole"
        " request, test client and middleware included; SQL: time spent in the database calls)"
    )
    slowest = step_asked if step_asked in STEPS else max(STEPS, key=lambda s: sum(times[s]))
    log(f"queries of one '{slowest}' hop (ms, SQL):")
    for ms, sql in sample[slowest]:
        log(f"  {ms:6.2f}  {' '.join(sql.split())[:150]}")
    for n in range(measured, sessions):
        dial_in_process(n)
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text).sort_stats(order)
        stats.print_stats(r"sokoni/|django/|psycopg/|sqlite", 30)
        log(f"cProfile of the '{slowest}' hops of {PROFILED} more sessions, by {order}:")
        log(text.getvalue().strip())


# -- a villager dialling ----------------------------------------------------------------------


def option(reply: str, label: str) -> str:
    """The number in front of the choice whose label contains ``label``."""
    for line in reply[4:].splitlines():
        number, _space, rest = line.partition(" ")
        if label in rest and number.isdigit():
            return number
    raise LookupError(f"no choice {label!r} on the screen {reply!r}")


@dataclass(frozen=True)
class Plan:
    """What one villager buys, and how they pay."""

    category: str
    product: str
    product_id: int
    quantity: int
    mobile: bool

    @classmethod
    def draw(cls, rng: random.Random, products: list[dict], n: int) -> Plan:
        chosen = rng.choice(products)
        return cls(
            chosen["category"],
            chosen["name"],
            chosen["id"],
            rng.randint(1, MAX_QUANTITY),
            n % MOBILE_EVERY == MOBILE_EVERY - 1,
        )

    def input_for(self, step: str, reply: str) -> str:
        """What the villager sends at ``step``, having read ``reply`` (the previous screen)."""
        if step == "buy":
            return option(reply, "Buy")
        if step == "category":
            return option(reply, self.category)
        if step == "product":
            return option(reply, self.product)
        if step == "quantity":
            if "How many?" not in reply:
                raise LookupError(f"no quantity asked: {reply!r}")
            return str(self.quantity)
        if step == "confirm":
            return option(reply, "Yes")
        if step == "pay":
            return option(reply, "Mobile money" if self.mobile else "Cash")
        if step == "pin":
            if "PIN" not in reply:
                raise LookupError(f"no PIN asked: {reply!r}")
            return PIN
        raise ValueError(step)


@dataclass
class Hop:
    step: str
    status: int
    server_ms: float
    client_ms: float
    cpu_ms: float = math.nan


@dataclass
class Session:
    """One villager's session: its plan, its hops, how it ended."""

    n: int
    plan: Plan
    timed: bool
    hops: list[Hop] = field(default_factory=list)
    order: str = ""
    error: str = ""


def server_timing(header: str, metric: str = "app") -> float:
    """A duration of a ``Server-Timing`` header, in ms (NaN when absent): ``app`` is the hop's
    time in the server, ``cpu`` the CPU time it used (the rest is waiting for a core)."""
    for part in header.split(","):
        name, _semi, params = part.strip().partition(";")
        if name == metric:
            for param in params.split(";"):
                key, _eq, value = param.strip().partition("=")
                if key == "dur":
                    return float(value)
    return math.nan


def hop(port: int, secret: str, session_id: str, phone: str, text: str) -> tuple[int, str, Hop]:
    """One USSD hop on a new connection (the client time includes connecting)."""
    body = urllib.parse.urlencode(
        {
            "sessionId": session_id,
            "serviceCode": SERVICE_CODE,
            "phoneNumber": phone,
            "networkCode": NETWORK_CODE,
            "text": text,
        }
    ).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Sokoni-Secret": secret,
        "Accept-Language": "en",
    }
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("POST", "/channels/ussd/", body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        ms = (time.perf_counter() - start) * 1000
        header = response.getheader("Server-Timing") or ""
        timing, cpu = server_timing(header), server_timing(header, "cpu")
    finally:
        conn.close()
    return response.status, raw.decode(errors="replace"), Hop("", response.status, timing, ms, cpu)


def dial(port: int, secret: str, session: Session) -> Session:
    """Run one buy session to its END (or to the first thing that goes wrong)."""
    session_id = f"ATUid_bench_{session.n}_{uuid.uuid4().hex[:12]}"
    phone = phone_of(session.n)
    inputs: list[str] = []
    reply = ""
    try:
        for step in STEPS:
            if step != "home":
                inputs.append(session.plan.input_for(step, reply))
            status, reply, took = hop(port, secret, session_id, phone, "*".join(inputs))
            took.step = step
            session.hops.append(took)
            if status != 200:
                session.error = f"{step}: HTTP {status} {reply[:200]!r}"
                return session
            if reply.startswith("END ") != (step == "pin"):
                session.error = f"{step}: unexpected screen {reply!r}"
                return session
        found = ORDER_NUMBER.search(reply)
        if found is None:
            session.error = f"pin: no order number in {reply!r}"
        else:
            session.order = found.group()
    except (LookupError, OSError) as error:
        session.error = f"{len(session.hops)} hops: {error}"
    return session


def run_sessions(port: int, secret: str, sessions: list[Session], threads: int) -> float:
    """Run the sessions from ``threads`` client threads; return the wall time in seconds."""
    queue = iter(sessions)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                session = next(queue, None)
            if session is None:
                return
            dial(port, secret, session)

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return time.perf_counter() - start


# -- the orchestra ----------------------------------------------------------------------------


def ready(port: int, secret: str) -> bool:
    """A USSD hop from a number that is not registered answers (it changes nothing but one
    session row)."""
    status, _reply, _hop = hop(port, secret, "ATUid_ready", "+254700910099", "")
    return bool(status == 200)


def child(env: dict[str, str], *args: str) -> None:
    run_child(__file__, env, *args)


def machine() -> str:
    """Cores, CPU, database versions and the load average (other work inflates the times)."""
    cpu = cpu_model()
    version = ""
    try:
        import psycopg

        with psycopg.connect(f"{PG_BASE}/postgres", connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            version = f", PostgreSQL {row[0].split()[0]}" if row else ""
    except Exception:  # noqa: BLE001 - the version is only informative
        version = ""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), SQLite {sqlite3.sqlite_version}{version}; "
        f"load average {load}"
    )


@dataclass
class Outcome:
    """One database's run: the sessions, the figures and what went wrong."""

    db: str
    sessions: list[Session]
    wall: float
    failures: list[str]
    ledger_ok: bool

    @property
    def timed(self) -> list[Session]:
        return [s for s in self.sessions if s.timed]

    def hops(self, step: str | None = None) -> list[Hop]:
        return [h for s in self.timed for h in s.hops if step is None or h.step == step]

    def server(self, step: str | None = None) -> list[float]:
        return [h.server_ms for h in self.hops(step) if not math.isnan(h.server_ms)]

    def cpu(self, step: str | None = None) -> list[float]:
        return [h.cpu_ms for h in self.hops(step) if not math.isnan(h.cpu_ms)]

    def client(self, step: str | None = None) -> list[float]:
        return [h.client_ms for h in self.hops(step)]

    @property
    def errors(self) -> int:
        return sum(1 for s in self.sessions if s.error)

    def over_budget(self) -> list[str]:
        """The budget (DESIGN.md section 5) is on the server time of a USSD step: the p99 over
        every step of every session. Steps whose own p99 is above it are named too, as a
        warning (the final PIN step, which places and pays the order, is the longest)."""
        if percentile(self.server(), 99) > P99_BUDGET_MS:
            return ["all"]
        return []

    def slow_steps(self) -> list[str]:
        return [step for step in STEPS if percentile(self.server(step), 99) > P99_BUDGET_MS]

    def table(self) -> list[str]:
        rows = [
            f"{'step':<10} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
            f" {'cpu p50':>8} {'cpu p99':>8} {'client p50':>11} {'client p99':>11}"
        ]
        for step in (*STEPS, None):
            server, client, cpu = self.server(step), self.client(step), self.cpu(step)
            rows.append(
                f"{step or 'all':<10} {len(server):>6} {percentile(server, 50):>8.2f}"
                f" {percentile(server, 99):>8.2f} {max(server, default=0):>8.2f}"
                f" {percentile(cpu, 50):>8.2f} {percentile(cpu, 99):>8.2f}"
                f" {percentile(client, 50):>11.2f} {percentile(client, 99):>11.2f}"
            )
        return rows

    def summary(self) -> str:
        server, client = self.server(), self.client()
        return (
            f"db={self.db} sessions={len(self.timed)} steps={len(self.hops())} "
            f"server p50={percentile(server, 50):.1f}ms p99={percentile(server, 99):.1f}ms "
            f"cpu p99={percentile(self.cpu(), 99):.1f}ms "
            f"client p99={percentile(client, 99):.1f}ms errors={self.errors} "
            f"ledger={'ok' if self.ledger_ok else 'FAILED'}"
        )


def check(sessions: list[Session], world: dict, db: dict) -> list[str]:
    """What is wrong after the run, in words (nothing: an empty list)."""
    failures = [f"session {s.n}: {s.error}" for s in sessions if s.error][:10]
    bad = Counter(h.status for s in sessions for h in s.hops if h.status != 200)
    if bad:
        failures.append(f"answers other than 200: {dict(bad)}")
    if any(math.isnan(h.server_ms) for s in sessions for h in s.hops):
        failures.append("answers without a Server-Timing header")
    done = [s for s in sessions if s.order]
    numbers = [s.order for s in done]
    ordered: Counter[int] = Counter()
    for s in done:
        ordered[s.plan.product_id] += s.plan.quantity
    mobile = sum(1 for s in done if s.plan.mobile)
    checks = {
        "sessions ended with an order number": (len(done), len(sessions)),
        "orders in the database": (len(db["orders"]), len(done)),
        "distinct order numbers answered": (len(set(numbers)), len(done)),
        "answered numbers not in the database": (len(set(numbers) - set(db["orders"])), 0),
        "mobile-money payment requests": (db["intents"].get("mobile_money", 0), mobile),
        "cash payment requests": (db["intents"].get("cash", 0), len(done) - mobile),
    }
    for product in world["products"]:
        pk = str(product["id"])
        want = ordered[product["id"]]
        checks[f"{product['name']}: stock taken"] = (product["stock"] - db["stock"][pk], want)
        checks[f"{product['name']}: units in order lines"] = (db["units"].get(pk, 0), want)
    failures += [
        f"{what} = {got}, expected {want}" for what, (got, want) in checks.items() if got != want
    ]
    return failures


def run_one(kind: str, args: argparse.Namespace) -> Outcome:
    """Build the database and the world, serve, dial every session, check; clean up."""
    work = Path(tempfile.mkdtemp(prefix=f"sokoni-ussd-{kind}-"))
    secret = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sokoni.settings",
        "SOKONI_VAR_DIR": str(work / "var"),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "0",
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "CHANNELS_SECRET": secret,
        "CHANNELS_ALLOWED_IPS": "",
        "SMS_BACKEND": "console",
        "PYTHONUNBUFFERED": "1",
    }
    warmup = args.warmup
    total = warmup + args.sessions
    server: subprocess.Popen | None = None
    try:
        (work / "var" / "static").mkdir(parents=True)
        if kind == "postgres":
            log(f"[{kind}] database {DB_NAME}: fresh, migrating")
            env["DATABASE_URL"] = postgres_database(DB_NAME)
        else:
            env["DATABASE_URL"] = f"sqlite:///{work / 'var' / 'bench.sqlite3'}"
            log(f"[{kind}] database {work / 'var' / 'bench.sqlite3'} (WAL): migrating")
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        # Enough for every session (and --profile's) to order the most of one product.
        stock = MAX_QUANTITY * (total + args.profile_sessions)
        products = sum(len(items) for _root, _leaf, items in CATALOGUE)
        log(
            f"[{kind}] creating a village, a service centre, a shop with {products} products "
            f"({stock} in stock each) and {total} villagers with a PIN"
        )
        started = time.perf_counter()
        world_file = work / "world.json"
        child(
            env,
            "--child",
            "setup",
            str(world_file),
            "--villagers",
            str(total),
            "--stock",
            str(stock),
        )
        world = json.loads(world_file.read_text())
        log(f"[{kind}] world ready in {time.perf_counter() - started:.1f} s")

        rng = random.Random(args.seed)
        sessions = [
            Session(n, Plan.draw(rng, world["products"], n), timed=n >= warmup)
            for n in range(total)
        ]
        port = free_port()
        log(
            f"[{kind}] gunicorn: {args.workers} sync workers on {HOST}:{port}, DEBUG off; "
            f"{warmup} warm-up sessions"
        )
        server = start_server(env, port, args.workers, work / "gunicorn.log")
        wait_ready(server, lambda: ready(port, secret), what="gunicorn")
        run_sessions(port, secret, sessions[:warmup], args.concurrency)
        log(
            f"[{kind}] {args.sessions} sessions from {args.concurrency} client threads; "
            f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        wall = run_sessions(port, secret, sessions[warmup:], args.concurrency)
        log(
            f"[{kind}] done in {wall:.1f} s: {args.sessions / wall:.1f} sessions/s, "
            f"{args.sessions * len(STEPS) / wall:.0f} hops/s; load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        stop(server)
        server_log = (work / "gunicorn.log").read_text()
        if "Traceback" in server_log or "ERROR" in server_log:
            log(f"[{kind}] server log:\n{server_log[-3000:]}")

        verify_file = work / "verify.json"
        child(env, "--child", "verify", str(verify_file))
        counts = json.loads(verify_file.read_text())
        ledger = subprocess.run(
            [PYTHON, "manage.py", "ledger_check"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        failures = check(sessions, world, counts)
        if ledger.returncode != 0:
            failures.append(f"ledger_check: {(ledger.stderr.strip() or 'failed')[:2000]}")
        log(
            f"[{kind}] database: {len(counts['orders'])} orders {counts['statuses']}, payment "
            f"requests {counts['intents']}, {counts['sessions']} USSD sessions; tasks (no "
            f"worker ran): {', '.join(counts['tasks']) or 'none'}"
        )
        outcome = Outcome(kind, sessions, wall, failures, ledger.returncode == 0)
        if args.profile:
            child(
                env,
                "--child",
                "profile",
                args.profile_step,
                "--villagers",
                str(total),
                "--sessions",
                str(args.profile_sessions),
                "--products",
                json.dumps(world["products"]),
            )
        return outcome
    finally:
        if server is not None:
            stop(server)
        if args.keep:
            # What it takes to reach the kept database again, e.g. for --child profile: the
            # PINs are keyed with this SECRET_KEY.
            names = ("DATABASE_URL", "SECRET_KEY", "CHANNELS_SECRET", "SOKONI_VAR_DIR")
            (work / "env.sh").write_text(
                "".join(f"export {name}='{env.get(name, '')}'\n" for name in names)
            )
            log(f"[{kind}] kept the database {env.get('DATABASE_URL')}; env in {work}/env.sh")
        else:
            if kind == "postgres":
                try:
                    postgres_database(DB_NAME, drop_only=True)
                except Exception as error:  # noqa: BLE001 - report, but finish cleaning up
                    log(f"could not drop {DB_NAME}: {error}")
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--sessions", type=int, default=1000, help="timed buy sessions")
    # One session in flight per core: more would measure the queue for a core, not the hop.
    parser.add_argument("--concurrency", type=int, default=2, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--warmup", type=int, default=20, help="untimed sessions first")
    parser.add_argument("--seed", type=int, default=1, help="what the villagers buy")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="afterwards, run sessions in-process with query counts and cProfile",
    )
    parser.add_argument(
        "--profile-step",
        choices=("slowest", *STEPS),
        default="slowest",
        help="the step --profile runs under cProfile (default: the slowest in-process)",
    )
    parser.add_argument("--profile-sessions", type=int, default=73, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # internal: step, argument
    parser.add_argument("--villagers", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--stock", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--products", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        step, value = args.child
        if step == "setup":
            child_setup(Path(value), args.villagers, args.stock)
        elif step == "verify":
            child_verify(Path(value))
        else:
            child_profile(args.villagers, args.sessions, json.loads(args.products), value)
        return 0

    log(f"machine: {machine()}")
    kinds = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    outcomes = [run_one(kind, args) for kind in kinds]
    broken = False
    for outcome in outcomes:
        log(f"\nserver time per USSD step, {outcome.db} ({len(outcome.timed)} sessions):")
        for row in outcome.table():
            log(row)
    log("")
    for outcome in outcomes:
        log(outcome.summary())
        for failure in outcome.failures:
            log(f"CHECK FAILED ({outcome.db}): {failure}")
        over = outcome.over_budget()
        if over:
            broken = True
            names = ", ".join(step or "all" for step in over)
            log(f"BUDGET BROKEN ({outcome.db}): server p99 > {P99_BUDGET_MS:.0f} ms at {names}")
        slow = outcome.slow_steps()
        if slow:
            log(
                f"note ({outcome.db}): p99 of the {', '.join(slow)} step(s) alone is above "
                f"{P99_BUDGET_MS:.0f} ms"
            )
    if any(outcome.failures for outcome in outcomes):
        return 1
    return 2 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
