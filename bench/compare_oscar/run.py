"""Sokoni side by side with Django Oscar 4.2 (issue 7): the same catalogue, server and load.

Builds, under var/compare_oscar/ (never in the project's dependencies):
- a virtual environment with Django Oscar 4.2 from PyPI (sorl-thumbnail, Haystack, Whoosh,
  gunicorn, WhiteNoise) and a shop set up as Oscar's documentation and sandbox do
  (bench/compare_oscar/oscar_project/);
- Sokoni's demo world with `seed_demo --products 2000` in its own SOKONI_VAR_DIR;
- Oscar's catalogue loaded from Sokoni's (same category tree, products, names, descriptions,
  prices and stock; one product class, one partner), then the Whoosh index.

Each system in turn is served by gunicorn (2 sync workers, DEBUG off, SQLite, WhiteNoise),
warmed up, measured for page weight (HTML, CSS and JS), then loaded with wrk (16 connections,
2 threads, 20 s per page, 3 rounds) on home, a category listing, a product, a search and
add-to-cart (POST with a session and a CSRF token; 64 sessions, checked afterwards in the
carts). Prints a table (and JSON with --json).

    python3 bench/compare_oscar/run.py             # full run (about 15 minutes)
    python3 bench/compare_oscar/run.py --quick     # smoke run: 2 s per page, 1 round
    python3 bench/compare_oscar/run.py --reuse     # keep the built venv and databases
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VAR = ROOT / "var" / "compare_oscar"
OSCAR_VENV = VAR / "oscar-venv"
OSCAR_VAR = VAR / "oscar"
OSCAR_PROJECT = HERE / "oscar_project"
SOKONI_VAR = VAR / "sokoni"
CATALOGUE = VAR / "catalogue.json"
PROJECT_PYTHON = Path(os.environ.get("SOKONI_PYTHON", ROOT / ".venv" / "bin" / "python"))
if not PROJECT_PYTHON.exists():
    PROJECT_PYTHON = Path("/work/main/.venv/bin/python")
OSCAR_REQUIREMENTS = [
    "django-oscar[sorl-thumbnail]==4.2.*",
    "django-haystack",
    "whoosh",
    "gunicorn",
    "whitenoise",
]
HOST = "127.0.0.1"
SECRET_KEY = "bench-fixed-secret-key-for-the-oscar-comparison"  # noqa: S105 - a benchmark's
PRODUCTS = 2000
SEARCH_WORD = "coffee"
CATEGORY = "coffee-tea"
CART_SESSIONS = 64
CART_PRODUCTS_PER_SESSION = 5
CART_MIN_STOCK = 100
PAGES = ("home", "category", "product", "search", "add to cart")
# Targets of the issue: Sokoni's successful requests per second at least this many times Oscar's.
TARGETS = {"home": 50, "category": 50, "search": 50, "product": 5, "add to cart": 5}
ASSET_TARGET = 0.1  # Sokoni's first-load CSS + JS at most this share of Oscar's (gzipped)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(cmd: list[Any], env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, text=True, capture_output=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}")
    return result.stdout


# --- the two systems -------------------------------------------------------------------------


@dataclass
class System:
    name: str
    python: Path
    wsgi: str
    cwd: Path
    env: dict[str, str]
    paths: dict[str, str]  # page -> URL path
    cart_url: str  # POST target, may hold {id}
    cart_products: list[int]  # ids in this system
    cart_total: list[str]  # command printing the units in all carts

    def gunicorn(self) -> Path:
        return self.python.parent / "gunicorn"


def sokoni_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env.update(
        SOKONI_VAR_DIR=str(SOKONI_VAR),
        SECRET_KEY=SECRET_KEY,
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="sokoni.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def oscar_env(*, loading: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONPATH")}
    env.update(
        OSCAR_BENCH_VAR=str(OSCAR_VAR),
        SECRET_KEY=SECRET_KEY,
        DJANGO_SETTINGS_MODULE="settings",
        PYTHONPATH=str(OSCAR_PROJECT),
        PYTHONWARNINGS="ignore",
    )
    if loading:  # index once at the end instead of on every save
        env["OSCAR_BENCH_SIGNAL_PROCESSOR"] = "haystack.signals.BaseSignalProcessor"
    return env


def build_sokoni(reuse: bool) -> None:
    manage = [PROJECT_PYTHON, "manage.py"]
    if reuse and (SOKONI_VAR / "sokoni.sqlite3").exists() and CATALOGUE.exists():
        log("[sokoni] reusing the seeded database")
        run([*manage, "collectstatic", "--noinput", "-v0"], sokoni_env())
        return
    shutil.rmtree(SOKONI_VAR, ignore_errors=True)
    SOKONI_VAR.mkdir(parents=True)
    log(f"[sokoni] migrate, collectstatic, seed_demo --products {PRODUCTS}")
    run([*manage, "migrate", "--noinput", "-v0"], sokoni_env())
    run([*manage, "collectstatic", "--noinput", "-v0"], sokoni_env())
    run([*manage, "seed_demo", "--products", str(PRODUCTS)], sokoni_env())
    out = run([PROJECT_PYTHON, HERE / "sokoni_side.py", "export", CATALOGUE], sokoni_env())
    log(f"[sokoni] {out.strip()}")


def build_oscar(reuse: bool) -> None:
    python = OSCAR_VENV / "bin" / "python"
    if not (reuse and python.exists()):
        shutil.rmtree(OSCAR_VENV, ignore_errors=True)
        log("[oscar] creating the venv and installing Django Oscar 4.2 from PyPI")
        run(["python3.11", "-m", "venv", OSCAR_VENV])
        run([python, "-m", "pip", "install", "-q", *OSCAR_REQUIREMENTS])
    if reuse and (OSCAR_VAR / "urls.json").exists():
        log("[oscar] reusing the loaded database and index")
        return
    shutil.rmtree(OSCAR_VAR, ignore_errors=True)
    (OSCAR_VAR / "media").mkdir(parents=True)
    manage = [python, OSCAR_PROJECT / "manage.py"]
    log("[oscar] migrate, load the catalogue, rebuild the Whoosh index, collectstatic")
    run([*manage, "migrate", "--noinput", "-v0"], oscar_env(loading=True))
    urls = run([*manage, "load_catalogue", CATALOGUE], oscar_env(loading=True))
    run([*manage, "rebuild_index", "--noinput", "-v0"], oscar_env())
    run([*manage, "collectstatic", "--noinput", "-v0"], oscar_env())
    missing = run([python, "-c", "import oscar, os; print(os.path.dirname(oscar.__file__))"])
    shutil.copy(Path(missing.strip()) / "static/oscar/img/image_not_found.jpg", OSCAR_VAR / "media")
    (OSCAR_VAR / "urls.json").write_text(urls.strip().splitlines()[-1])


def choose(catalogue: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The product page to load (KES, in stock, in the chosen category's tree) and the products
    the carts take (KES, stock >= CART_MIN_STOCK: Oscar's basket takes one currency)."""
    parents = {c["slug"]: c["parent"] for c in catalogue["categories"]}

    def under(slug: str | None) -> bool:
        while slug is not None:
            if slug == CATEGORY:
                return True
            slug = parents.get(slug)
        return False

    eligible = [
        p for p in catalogue["products"] if p["currency"] == "KES" and p["stock"] >= CART_MIN_STOCK
    ]
    product = next((p for p in eligible if under(p["category"])), eligible[0])
    return product, eligible[: CART_SESSIONS * CART_PRODUCTS_PER_SESSION // 2]


def systems() -> list[System]:
    catalogue = json.loads(CATALOGUE.read_text())
    oscar_urls = json.loads((OSCAR_VAR / "urls.json").read_text())
    product, cart = choose(catalogue)
    sokoni = System(
        name="Sokoni",
        python=PROJECT_PYTHON,
        wsgi="sokoni.wsgi",
        cwd=ROOT,
        env=sokoni_env(),
        paths={
            "home": "/",
            "category": f"/categories/{CATEGORY}/",
            "product": product["path"],
            "search": f"/search/?q={SEARCH_WORD}",
        },
        cart_url="/cart/add/",
        cart_products=[p["id"] for p in cart],
        cart_total=[str(PROJECT_PYTHON), str(HERE / "sokoni_side.py"), "cart-total"],
    )
    by_id = oscar_urls["products"]
    oscar_python = OSCAR_VENV / "bin" / "python"
    oscar = System(
        name="Oscar",
        python=oscar_python,
        wsgi="wsgi",
        cwd=OSCAR_PROJECT,
        env=oscar_env(),
        paths={
            "home": "/catalogue/",  # "/" redirects here (OSCAR_HOMEPAGE)
            "category": oscar_urls["categories"][CATEGORY],
            "product": by_id[str(product["id"])]["path"],
            "search": f"/search/?q={SEARCH_WORD}",
        },
        cart_url="/basket/add/{id}/",
        cart_products=[by_id[str(p["id"])]["id"] for p in cart],
        cart_total=[str(oscar_python), str(OSCAR_PROJECT / "manage.py"), "basket_total"],
    )
    return [sokoni, oscar]


# --- serving ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(system: System, port: int, logfile: Path) -> subprocess.Popen[bytes]:
    cmd = [
        str(system.gunicorn()),
        system.wsgi,
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(
        cmd,
        cwd=system.cwd,
        env=system.env,
        stdout=logfile.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{system.name}: gunicorn exited, see {logfile}")
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}{system.paths['product']}", timeout=30)
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    stop(server)
    raise SystemExit(f"{system.name}: gunicorn did not answer, see {logfile}")


def drain(url: str) -> None:
    """Wait until the server has worked off the requests wrk left queued (Oscar's listings
    take seconds each) so the next step starts on an idle server."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=120).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    raise SystemExit(f"the server did not recover after the load: {url}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- page weight -----------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, bytes, str]:
    """GET with Accept-Encoding gzip: (status, body as sent, content encoding)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=60) as response:
            return response.status, response.read(), response.headers.get("Content-Encoding", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Encoding", "")


def weigh(body: bytes, encoding: str) -> dict[str, Any]:
    """Raw and gzipped bytes; when the server did not compress, gzip -6 says what it would be."""
    if encoding == "gzip":
        return {"raw": len(gzip.decompress(body)), "gzip": len(body), "sent_gzipped": True}
    return {"raw": len(body), "gzip": len(gzip.compress(body, 6)), "sent_gzipped": False}


ASSET_RE = re.compile(
    r"""<link\b[^>]*\brel=["']?stylesheet[^>]*>|<script\b[^>]*\bsrc=[^>]*>""", re.IGNORECASE
)
URL_RE = re.compile(r"""\b(?:href|src)=["']([^"']+)["']""")


def asset_urls(html: str) -> list[str]:
    """The stylesheets and scripts a page links to (a script written by document.write as a
    fallback counts too: `external_as_local` then counts the external copy once)."""
    urls = []
    for tag in ASSET_RE.findall(html):
        found = URL_RE.search(tag)
        if found and found.group(1) not in urls:
            urls.append(found.group(1))
    return urls


def external_as_local(urls: list[str]) -> tuple[list[str], list[str]]:
    """Local URLs to fetch, and the external URLs counted through a local copy (the same file
    name, e.g. Oscar's jQuery from Google's CDN with /static/.../jquery.min.<hash>.js as its
    fallback). An external file with no local copy is left out and reported."""
    local = [u for u in urls if u.startswith("/")]
    unmatched = []
    for url in urls:
        if url.startswith("/"):
            continue
        stem = url.rsplit("/", 1)[-1].removesuffix(".js").removesuffix(".css")
        if not any(u.rsplit("/", 1)[-1].startswith(stem + ".") for u in local):
            unmatched.append(url)
    return local, unmatched


def page_weights(system: System, base: str) -> dict[str, Any]:
    pages: dict[str, Any] = {}
    assets: list[str] = []
    unmatched: list[str] = []
    for page, path in system.paths.items():
        status, body, encoding = fetch(base + path)
        pages[page] = {"status": status, **weigh(body, encoding)}
        html = gzip.decompress(body) if encoding == "gzip" else body
        if page in ("home", "product"):
            local, external = external_as_local(asset_urls(html.decode("utf-8", "replace")))
            assets += [u for u in local if u not in assets]
            unmatched += [u for u in external if u not in unmatched]
    files = {}
    for url in assets:
        status, body, encoding = fetch(base + url)
        files[url] = {"status": status, **weigh(body, encoding)}
    total = {
        "raw": sum(f["raw"] for f in files.values()),
        "gzip": sum(f["gzip"] for f in files.values()),
    }
    return {"pages": pages, "assets": files, "assets_total": total, "external": unmatched}


# --- load ------------------------------------------------------------------------------------

WRK_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""

WRK_GET = 'wrk.headers["Accept-Encoding"] = "gzip"\n' + WRK_DONE

WRK_POST = (
    r"""
local sessions = {SESSIONS}
local per_thread = {PER_THREAD}
local counter = 1
local threads = 0

setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

request = function()
  local s = sessions[tid * per_thread + (counter % per_thread) + 1]
  local round = math.floor(counter / per_thread)
  local product = s.products[(round % #s.products) + 1]
  counter = counter + 1
  local path = string.gsub("{URL}", "{id}", tostring(product))
  local body = "csrfmiddlewaretoken=" .. s.token .. "&product_id=" .. product ..
    "&quantity=1&next=%2F"
  return wrk.format("POST", path, {
    ["Cookie"] = s.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept-Encoding"] = "gzip",
    ["Referer"] = "http://{HOST}/",
  }, body)
end
"""
    + WRK_DONE
)


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cart_sessions(system: System, base: str) -> list[dict[str, Any]]:
    """CART_SESSIONS visitors, each with its cookies and CSRF token after one add to the cart
    (the session or basket then exists, as for a shopper), and its products."""
    sessions = []
    for n in range(CART_SESSIONS):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        status, body, encoding = fetch(base + system.paths["product"], opener)
        html = (gzip.decompress(body) if encoding == "gzip" else body).decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or token is None:
            raise SystemExit(f"{system.name}: no add-to-cart form on the product page")
        products = [
            system.cart_products[(n * CART_PRODUCTS_PER_SESSION + k) % len(system.cart_products)]
            for k in range(CART_PRODUCTS_PER_SESSION)
        ]
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "product_id": products[0],
                "quantity": 1,
                "next": "/",
            }
        ).encode()
        request = urllib.request.Request(
            base + system.cart_url.format(id=products[0]), data=form, headers={"Referer": base}
        )
        try:
            opener.open(request, timeout=60)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        if status not in (200, 302):
            raise SystemExit(f"{system.name}: adding to the cart answered {status}")
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar if c.name != "messages")
        sessions.append({"cookie": cookie, "token": token.group(1), "products": products})
    return sessions


def cart_units(system: System) -> int:
    out = subprocess.run(
        system.cart_total, cwd=system.cwd, env=system.env, text=True, capture_output=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def wrk(script: str, url: str, seconds: int, connections: int, work: Path) -> dict[str, Any]:
    path = work / "wrk.lua"
    path.write_text(script)
    out = run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(path),
            url,
        ]
    )
    return parse_wrk(out)


def parse_wrk(output: str) -> dict[str, Any]:
    """The figures of one wrk run from its output's WRKJSON line."""
    for line in output.splitlines():
        if line.startswith("WRKJSON "):
            raw = json.loads(line.removeprefix("WRKJSON "))
            seconds = raw["duration_us"] / 1e6
            errors = raw["status"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
            ok = raw["requests"] - raw["status"]
            return {
                "requests": raw["requests"],
                "ok": ok,
                "errors": errors,
                "rps": raw["requests"] / seconds,
                "ok_rps": ok / seconds,
                "p50_ms": raw["p50_us"] / 1000,
                "p99_ms": raw["p99_us"] / 1000,
                "seconds": seconds,
            }
    raise ValueError("no WRKJSON line in wrk's output")


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Median over rounds of rates and latencies; errors and requests summed."""
    return {
        "rounds": len(rounds),
        "rps": statistics.median(r["rps"] for r in rounds),
        "ok_rps": statistics.median(r["ok_rps"] for r in rounds),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
        "requests": sum(r["requests"] for r in rounds),
        "ok": sum(r["ok"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "added": sum(r.get("added", 0) for r in rounds),
    }


def measure(system: System, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    port = free_port()
    base = f"http://{HOST}:{port}"
    log(f"[{system.name}] gunicorn {system.wsgi}: 2 sync workers on {base}")
    server = start(system, port, work / f"{system.name.lower()}-gunicorn.log")
    try:
        # Warm up both workers (templates, caches, thumbnails, index readers): a short load
        # on every page, not counted.
        for path in system.paths.values():
            wrk(WRK_GET, base + path, 3 if args.seconds >= 10 else 1, 4, work)
            drain(base + path)
        weights = page_weights(system, base)
        load: dict[str, Any] = {}
        for page in PAGES:
            rounds = []
            for n in range(args.rounds):
                if page == "add to cart":
                    sessions = cart_sessions(system, base)
                    before = cart_units(system)
                    table = (
                        "{"
                        + ",".join(
                            f"{{cookie={lua_string(s['cookie'])},"
                            f"token={lua_string(s['token'])},"
                            f"products={{{','.join(map(str, s['products']))}}}}}"
                            for s in sessions
                        )
                        + "}"
                    )
                    script = (
                        WRK_POST.replace("{SESSIONS}", table)
                        .replace("{PER_THREAD}", str(CART_SESSIONS // 2))
                        .replace("{URL}", system.cart_url)
                        .replace("{HOST}", f"{HOST}:{port}")
                    )
                    result = wrk(script, base + "/", args.seconds, args.connections, work)
                    result["added"] = cart_units(system) - before
                else:
                    result = wrk(
                        WRK_GET, base + system.paths[page], args.seconds, args.connections, work
                    )
                log(
                    f"[{system.name}] {page} round {n + 1}: {result['ok_rps']:.1f} ok/s, "
                    f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
                    f"{result['errors']} errors"
                    + (f", {result['added']} units added" if "added" in result else "")
                )
                rounds.append(result)
                drain(base + system.paths["product"])
            load[page] = summarise(rounds)
    finally:
        stop(server)
    return {"paths": system.paths, "weights": weights, "load": load}


# --- report ----------------------------------------------------------------------------------


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}x"


def verdict(results: dict[str, Any]) -> dict[str, Any]:
    s, o = results["Sokoni"], results["Oscar"]
    checks = {}
    for page, times in TARGETS.items():
        r = ratio(s["load"][page]["ok_rps"], o["load"][page]["ok_rps"])
        checks[page] = {
            "ratio": r,
            "target": times,
            "met": r is not None and r >= times and s["load"][page]["errors"] == 0,
        }
    a = ratio(s["weights"]["assets_total"]["gzip"], o["weights"]["assets_total"]["gzip"])
    checks["first-load CSS + JS (gzip)"] = {
        "ratio": a,
        "target": ASSET_TARGET,
        "met": a is not None and a <= ASSET_TARGET,
    }
    return checks


def table(results: dict[str, Any]) -> str:
    s, o = results["Sokoni"], results["Oscar"]
    lines = [
        "| page | system | ok req/s (all) | p50 ms | p99 ms | errors | HTML bytes | gzipped |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in PAGES:
        for name, r in (("Sokoni", s), ("Oscar", o)):
            load = r["load"][page]
            weight = r["weights"]["pages"].get(page)
            size = f"{weight['raw']:,} | {weight['gzip']:,}" if weight else "- | -"
            if weight and not weight["sent_gzipped"]:
                size += " (not sent gzipped)"
            lines.append(
                f"| {page} | {name} | {load['ok_rps']:,.1f} ({load['rps']:,.1f}) | "
                f"{load['p50_ms']:,.1f} | {load['p99_ms']:,.1f} | {load['errors']} | {size} |"
            )
        r_rps = ratio(s["load"][page]["ok_rps"], o["load"][page]["ok_rps"])
        w = o["weights"]["pages"].get(page)
        sw = s["weights"]["pages"].get(page)
        r_size = f"1/{ratio(w['gzip'], sw['gzip']):,.1f}" if w and sw else "-"
        lines.append(f"| {page} | Sokoni / Oscar | {fmt_ratio(r_rps)} | | | | | {r_size} |")
    lines.append("")
    lines.append("| first-load CSS + JS (home and product pages) | raw bytes | gzipped bytes |")
    lines.append("| --- | --- | --- |")
    for name, r in (("Sokoni", s), ("Oscar", o)):
        t = r["weights"]["assets_total"]
        files = len(r["weights"]["assets"])
        lines.append(f"| {name} ({files} files) | {t['raw']:,} | {t['gzip']:,} |")
    st, ot = s["weights"]["assets_total"], o["weights"]["assets_total"]
    lines.append(
        f"| Sokoni / Oscar | {st['raw'] / ot['raw']:.3f} | {st['gzip'] / ot['gzip']:.3f} |"
    )
    lines.append("")
    for page in ("add to cart",):
        for name, r in (("Sokoni", s), ("Oscar", o)):
            load = r["load"][page]
            lines.append(
                f"{name} add to cart: {load['ok']:,} answers 2xx/3xx, {load['added']:,} units "
                "found added in the carts afterwards."
            )
    for name, r in (("Sokoni", s), ("Oscar", o)):
        if r["weights"]["external"]:
            external = ", ".join(r["weights"]["external"])
            lines.append(f"{name}: external files not counted: {external}")
    lines.append("")
    for what, c in verdict(results).items():
        target = f"≤ {c['target']}" if what.startswith("first") else f"≥ {c['target']}x"
        shown = f"{c['ratio']:.3f}" if what.startswith("first") else fmt_ratio(c["ratio"])
        lines.append(f"- {what}: {shown} (target {target}): {'met' if c['met'] else 'MISSED'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s per page, 1 round")
    parser.add_argument("--reuse", action="store_true", help="keep the built venv and databases")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds = 2, 1
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    VAR.mkdir(parents=True, exist_ok=True)
    build_sokoni(args.reuse)
    build_oscar(args.reuse)
    results: dict[str, Any] = {}
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    for system in systems():
        results[system.name] = measure(system, args, VAR)
    results["meta"] = {
        "started": started,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "seconds": args.seconds,
        "rounds": args.rounds,
        "connections": args.connections,
        "products": PRODUCTS,
    }
    results["verdict"] = verdict(results)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(table(results))
        la = results["meta"]
        print(
            f"\nload average before {la['load_average_before'][0]:.2f}, "
            f"after {la['load_average_after'][0]:.2f}"
        )
    return 0 if all(c["met"] for c in results["verdict"].values()) else 2


if __name__ == "__main__":
    sys.exit(main())
