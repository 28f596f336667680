"""The load test (issue 8): a realistic mix against `make serve-prod`, at the highest rate this
machine holds with p99 <= 500 ms and no errors, then `ledger_check`.

1. A fresh PostgreSQL database (``sokoni_bench_load``) and Redis database 14 (flushed), the demo
   world with 2,000 products (`seed_demo --products 2000`), 300 buyers and the sellers with API
   tokens, the Kenyan products the buyers check out given a large stock.
2. `make serve-prod` on a free loopback port (gunicorn with sync workers from the CPU count, the
   RQ worker, the sweeps; Redis for cache, sessions and the queue; JSON logs to a file).
3. Locust (bench/locustfile.py, headless, FastHttpUser) with people in the issue's shares (70 %
   browsing and search, 15 % cart, 10 % checkout with its payment callback, 5 % seller work),
   each starting one action a second on average: a warm-up, then steps of more people
   (``--start``, ``--step``, ``--step-seconds``: 20, 20, 30 s) until p99 passes 400 ms (the
   500 ms budget less a margin: 30 s see less of the tail than 5 minutes), a request fails,
   or the actions asked for are no longer served; then ``--seconds`` (300) at the last step
   that held, and again with one step fewer people (twice at most) while 5 minutes do not hold.
4. `manage.py ledger_check` on the database, and the server stopped.

    .venv/bin/python bench/load.py                  # about 15 minutes
    .venv/bin/python bench/load.py --users 120      # skip the search: 5 minutes at 120 people
    .venv/bin/python bench/load.py --seconds 60     # a shorter final run

Prints each step and the final figures (requests per second, p50/p99, failures, per request
kind). Loopback only; needs PostgreSQL (BENCH_POSTGRES_URL) and Redis (BENCH_REDIS_URL,
default redis://127.0.0.1:6379/14). Exit status 1 if the final run had errors, the p99 went
over 500 ms or ledger_check failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness import (
    HOST,
    PYTHON,
    ROOT,
    cpu_model,
    free_port,
    postgres_database,
    run_child,
    stop,
    url_answers,
    wait_ready,
)

DB_NAME = "sokoni_bench_load"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
P99_BUDGET_MS = 500.0
STEP_MARGIN = 0.8
PRODUCTS = 2000
BUYERS = 300
LOCUST = str(Path(sys.executable).parent / "locust")


def log(message: str) -> None:
    print(message, flush=True)


# -- the world (run as a child with Django set up) ---------------------------------------------


def child_world(out: Path) -> None:
    import django

    django.setup()
    import re
    from collections import Counter
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from sokoni.accounts.models import ApiToken, User
    from sokoni.catalog.delivery import shop_quote
    from sokoni.catalog.models import Category, Product, Shop
    from sokoni.payments.gateways.base import webhook_secret
    from sokoni.shipping.errors import NoRoute
    from sokoni.shipping.models import Hub
    from sokoni.shipping.quotes import Destination
    from sokoni.villages.models import Village

    town = Hub.objects.get(code="nairobi")
    listed = list(Product.objects.filter(is_listed=True).select_related("shop").order_by("pk"))
    paths = [f"/products/{p.pk}/{p.slug}/" for p in listed]
    destination = Destination(country=town.country, hub_id=town.pk, label=town.name)
    buyable, shops_ok = [], {}
    for product in listed:
        if product.shop.currency != "KES" or not product.ships:
            continue
        if product.shop_id not in shops_ok:
            try:
                shop_quote(product.shop, [(product, 1)], destination, now=timezone.now())
                shops_ok[product.shop_id] = True
            except NoRoute:
                shops_ok[product.shop_id] = False
        if shops_ok[product.shop_id] and product.price_minor <= 500_000:
            buyable.append(product.pk)
    buyable = buyable[:200]
    # Checkouts must never run out: the race for the last units has its own benchmark.
    Product.objects.filter(pk__in=buyable).update(stock=1_000_000)
    password = make_password(secrets.token_urlsafe(16))
    buyers = User.objects.bulk_create(
        User(phone=f"+2547017{n:05d}", name=f"Load buyer {n + 1}", password=password)
        for n in range(BUYERS)
    )
    sellers = list(User.objects.filter(shops__products__pk__in=buyable).distinct().order_by("pk"))
    expires = timezone.now() + timedelta(days=1)
    tokens: dict[int, str] = {}
    rows = []
    for user in [*buyers, *sellers]:
        raw = ApiToken.new_raw()
        tokens[user.pk] = raw
        rows.append(ApiToken(user=user, digest=ApiToken.digest_of(raw), expires_at=expires))
    ApiToken.objects.bulk_create(rows)
    words = Counter(
        w
        for p in listed
        for w in re.findall(r"[a-z]{4,}", p.name.lower())
        if w not in {"with", "from", "pack", "piece"}
    )
    secrets_by_provider = {
        provider: webhook_secret(provider) for provider in ("sandbox-card", "sandbox-mobile")
    }
    world = {
        "product_paths": paths,
        "cart_products": [[p.pk, f"/products/{p.pk}/{p.slug}/"] for p in listed if p.stock > 50][
            :300
        ],
        "buy_products": buyable,
        "categories": list(Category.objects.values_list("slug", flat=True)),
        "villages": list(Village.objects.filter(status="approved").values_list("slug", flat=True)),
        "shops": list(Shop.objects.filter(status="approved").values_list("slug", flat=True)),
        "words": [w for w, _n in words.most_common(40)],
        "town_id": town.pk,
        "buyer_tokens": [tokens[u.pk] for u in buyers],
        "seller_tokens": [tokens[u.pk] for u in sellers],
        "webhook_secrets": secrets_by_provider,
    }
    out.write_text(json.dumps(world))
    print(
        f"world: {len(paths)} products listed, {len(buyable)} to check out from "
        f"{sum(shops_ok.values())} shops, {len(buyers)} buyers, {len(sellers)} sellers"
    )


# -- the orchestra ----------------------------------------------------------------------------


@dataclass
class Step:
    users: int
    seconds: int
    rps: float
    p50: float
    p99: float
    requests: int
    failures: int
    rows: list[dict[str, str]]

    @property
    def holds(self) -> bool:
        return self.failures == 0 and self.p99 <= P99_BUDGET_MS

    @property
    def holds_with_margin(self) -> bool:
        # A 30 s step sees less of the tail than 5 minutes do: near saturation the p99 keeps
        # growing as the queue does, so a step must leave a fifth of the budget to spare.
        return self.failures == 0 and self.p99 <= STEP_MARGIN * P99_BUDGET_MS


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def serve(env: dict[str, str], port: int, logfile: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        ["make", "serve-prod"],
        cwd=ROOT,
        env={**env, "BIND": f"{HOST}:{port}"},
        stdout=logfile.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_ready(
            server,
            url_answers(f"http://{HOST}:{port}/healthz", timeout=10),
            seconds=240,
            what=f"make serve-prod (see {logfile})",
        )
    except SystemExit:
        stop(server, timeout=60)
        raise
    return server


def locust(env: dict[str, str], port: int, users: int, seconds: int, work: Path) -> Step:
    prefix = work / f"locust-{users}-{seconds}"
    subprocess.run(
        [
            LOCUST,
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(users // 2, 1)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "15",
            "--host",
            f"http://{HOST}:{port}",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=(work / "locust.log").open("a"),
        stderr=subprocess.STDOUT,
        check=False,
    )
    with Path(f"{prefix}_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return Step(
        users=users,
        seconds=seconds,
        rps=float(total["Requests/s"]),
        p50=float(total["50%"]),
        p99=float(total["99%"]),
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rows=[r for r in rows if r["Name"] != "Aggregated"],
    )


# -- where the CPU goes ------------------------------------------------------------------------

PARTS = (
    ("web (gunicorn)", ("gunicorn",)),
    ("worker (RQ)", ("run_worker", "rq:", "rqworker")),
    ("clock (sweeps)", ("run_sweeps",)),
    ("PostgreSQL", ("postgres",)),
    ("Redis", ("redis-server",)),
    ("Locust", ("locust",)),
)


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) each part of the test has used so far: every live process
    of the part and the children it has reaped (an RQ worker's forked jobs, gone workers)."""
    import psutil

    used = dict.fromkeys([name for name, _ in PARTS], 0.0)
    used["other"] = 0.0
    for process in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        times = process.info["cpu_times"]
        if times is None:
            continue
        label = " ".join([process.info["name"] or "", *(process.info["cmdline"] or [])])
        part = next((name for name, marks in PARTS if any(m in label for m in marks)), "other")
        used[part] += times.user + times.system + times.children_user + times.children_system
    return used


def cpu_per_request(
    before: dict[str, float], after: dict[str, float], requests: int
) -> dict[str, float]:
    """Milliseconds of CPU per request served, by part, between two ``cpu_seconds()``."""
    return {
        part: round((after[part] - before[part]) * 1000 / max(requests, 1), 1) for part in after
    }


def describe(step: Step) -> str:
    return (
        f"{step.users} people, {step.seconds} s: {step.rps:.1f} req/s, p50 {step.p50:.0f} ms, "
        f"p99 {step.p99:.0f} ms, {step.requests} requests, {step.failures} failed"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300, help="the final run")
    parser.add_argument("--users", type=int, default=0, help="skip the search: this many people")
    parser.add_argument("--start", type=int, default=20)
    parser.add_argument("--step", type=int, default=20)
    parser.add_argument("--step-seconds", type=int, default=30)
    parser.add_argument("--max-users", type=int, default=600)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not Path(LOCUST).exists():
        raise SystemExit("locust is not installed (pip install -e '.[dev]')")
    work = Path(tempfile.mkdtemp(prefix="sokoni-load-"))
    url = postgres_database(DB_NAME)
    flush_redis()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update(
        DATABASE_URL=url,
        REDIS_URL=REDIS_URL,
        SECRET_KEY=secrets.token_urlsafe(50),
        SOKONI_VAR_DIR=str(ROOT / "var" / "load"),
        DEBUG="0",
        SANDBOX_CALLBACK_DELAY_SECONDS="1",
        # Every simulated person comes from this one loopback address and the sellers share a
        # few accounts: the per-address and per-account limits are for real clients.
        RATE_LIMIT_API_ADDRESS="1000000/m",
        RATE_LIMIT_API_ACCOUNT="1000000/m",
        RATE_LIMIT_API_TOKEN="1000000/m",  # noqa: S106 - a rate, not a secret
        RATE_LIMIT_WEBHOOK="1000000/m",
        RATE_LIMIT_SIGNUP="1000000/h",
        DJANGO_SETTINGS_MODULE="sokoni.settings",
        LOAD_WORLD=str(work / "world.json"),
        LOAD_DATABASE_URL=url,
    )
    log(f"machine: {os.cpu_count()} cores ({cpu_model()}); work files in {work}")
    log(f"[setup] migrate and seed_demo --products {PRODUCTS} into {DB_NAME} (a few minutes)")
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [PYTHON, "manage.py", "seed_demo", "--products", str(PRODUCTS)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    run_child(__file__, env, "--child", "world", str(work / "world.json"))
    port = free_port()
    server = serve(env, port, work / "serve-prod.log")
    steps: list[Step] = []
    retried = 0
    try:
        log(f"[serve-prod] healthy on http://{HOST}:{port}; warming up")
        locust(env, port, 20, 20, work)
        users = args.users
        if not users:
            users = args.start
            while users <= args.max_users:
                step = locust(env, port, users, args.step_seconds, work)
                steps.append(step)
                held = step.holds_with_margin
                log(f"[step] {describe(step)}{'' if held else ' (does not hold)'}")
                # A person starts one action a second on average: far fewer actions served
                # than people means the server is saturated even when answers are still fast.
                if not held or step.rps < 0.8 * users:
                    break
                users += args.step
            held_steps = [s for s in steps if s.holds_with_margin]
            users = max((s.users for s in held_steps), default=args.start)
        while True:
            log(f"[final] {users} people for {args.seconds} s")
            before = cpu_seconds()
            final = locust(env, port, users, args.seconds, work)
            cpu = cpu_per_request(before, cpu_seconds(), final.requests)
            # Five minutes did not hold where the step did: one step fewer people, at most twice.
            if final.holds or args.users or users - args.step < args.start or retried == 2:
                break
            log(f"[final] {describe(final)} (does not hold): again with fewer people")
            users -= args.step
            retried += 1
    finally:
        stop(server, timeout=60)
    ledger = subprocess.run(
        [PYTHON, "manage.py", "ledger_check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if not args.keep:
        postgres_database(DB_NAME, drop_only=True)
    result = {
        "machine": f"{os.cpu_count()} cores ({cpu_model()})",
        "load_average": os.getloadavg(),
        "steps": [describe(s) for s in steps],
        "final_runs_with_fewer_people": retried,
        "final": {
            "users": final.users,
            "seconds": final.seconds,
            "rps": final.rps,
            "p50_ms": final.p50,
            "p99_ms": final.p99,
            "requests": final.requests,
            "failures": final.failures,
            "by_request": {
                r["Name"]: {
                    "requests": int(r["Request Count"]),
                    "failures": int(r["Failure Count"]),
                    "p50_ms": float(r["50%"]),
                    "p99_ms": float(r["99%"]),
                }
                for r in final.rows
            },
        },
        "cpu_ms_per_request": cpu,
        "ledger_check": {"ok": ledger.returncode == 0, "output": ledger.stdout.strip()[-500:]},
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        log(f"\nfinal: {describe(final)}")
        log("| request | count | failed | p50 ms | p99 ms |")
        log("| --- | --- | --- | --- | --- |")
        for name, r in result["final"]["by_request"].items():
            figures = f"{r['requests']} | {r['failures']} | {r['p50_ms']:.0f} | {r['p99_ms']:.0f}"
            log(f"| {name} | {figures} |")
        log(
            "CPU per request (ms): "
            + ", ".join(f"{part} {ms}" for part, ms in cpu.items())
            + f"; total {sum(cpu.values()):.1f} on {os.cpu_count()} cores"
        )
        verdict = "passed" if ledger.returncode == 0 else "FAILED"
        log(f"ledger_check: {verdict}: {ledger.stdout.strip()[-300:]}")
    ok = final.failures == 0 and final.p99 <= P99_BUDGET_MS and ledger.returncode == 0
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_world(Path(sys.argv[3]))
    else:
        sys.exit(main())
