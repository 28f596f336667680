"""Sokoni's benchmarks (`make bench`): page weight and server time against the budgets.

For each database engine (SQLite, PostgreSQL) this builds a fresh database with
`seed_demo --products N` (100,000 by default; timed, since the seed has a budget too), then
measures it in a child process (bench/measure.py): the gzipped HTML of every buyer page type,
the render-blocking CSS and JS, and the server time of product, village, search, category,
shop and home pages over many hundreds of requests after a warm-up. Then, in Chromium, the
buyer pages over emulated 2G (bench/slow_network.py) and their Lighthouse scores
(bench/lighthouse.py), on a smaller seeded SQLite database of their own. Results go to
docs/performance.md (full runs) and the exit status is non-zero when a budget is broken.

    .venv/bin/python bench/run.py                  # both engines, 100,000 products
    .venv/bin/python bench/run.py --quick          # smoke run: small catalogue, SQLite
    .venv/bin/python bench/run.py --db postgres --reuse  # keep the seeded database
    .venv/bin/python bench/run.py --no-browser     # without the 2G and Lighthouse runs
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from harness import cpu_model
from lighthouse import table as lighthouse_table
from slow_network import table as slow_network_table

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_BASE = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")

# Budgets from the design (DESIGN.md section 5) and the issue.
PAGE_GZIP_BUDGET = 14 * 1024
BLOCKING_GZIP_BUDGET = 30 * 1024
P50_BUDGET_MS = 15.0
P99_BUDGET_MS = 60.0
PG_SEARCH_P95_BUDGET_MS = 50.0
SEED_BUDGET_S = 300.0
BUDGETED_PAGES = (
    "home",
    "village list",
    "village",
    "category",
    "shop",
    "product",
    "search",
    "search, typo",
    "search, no results",
)
TIMED_KINDS = ("product", "village", "search")  # the kinds the server-time budget covers
# Hand-written notes below this line of docs/performance.md survive a rerun.
NOTES_MARKER = "<!-- notes: kept when bench/run.py rewrites this file -->"


def log(message: str) -> None:
    print(message, flush=True)


def run(cmd: list[str], env: dict[str, str], capture: bool = False) -> str:
    result = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    if result.returncode != 0:
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}")
    return result.stdout or ""


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_BASE}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means: not available here
        return False


def postgres_database(name: str, *, fresh: bool) -> str:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_BASE}/{name}"


def product_count(env: dict[str, str]) -> int:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','sokoni.settings'); "
        "django.setup(); from sokoni.catalog.models import Product; "
        "print(Product.objects.filter(is_published=True).count())"
    )
    try:
        out = subprocess.run(
            [PYTHON, "-c", code], cwd=ROOT, env=env, text=True, capture_output=True, check=True
        ).stdout
        return int(out.strip().splitlines()[-1])
    except (subprocess.CalledProcessError, ValueError, IndexError):
        return -1


def prepare(engine: str, products: int, reuse: bool) -> tuple[dict[str, str], float | None]:
    """Make a database with the demo world at `products`; return its env and the seed time."""
    var_dir = Path(tempfile.gettempdir()) / f"sokoni-bench-{engine}-{products}"
    env = {
        **os.environ,
        "SOKONI_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "sokoni.settings",
        # Server time is the cost of drawing each page: visitors' pages kept for a few
        # seconds (sokoni.web.page_cache) would answer most of the timed requests from memory.
        "VISITOR_PAGE_SECONDS": "0",
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    db_name = f"sokoni_bench_{products}"
    if engine == "postgres":
        env["DATABASE_URL"] = postgres_database(db_name, fresh=False)
    if reuse and product_count(env) == products:
        log(f"[{engine}] reusing the database with {products:,} products")
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        return env, None
    if engine == "postgres":
        env["DATABASE_URL"] = postgres_database(db_name, fresh=True)
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    log(f"[{engine}] migrating a fresh database")
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    log(f"[{engine}] seed_demo --products {products}")
    start = time.monotonic()
    run([PYTHON, "manage.py", "seed_demo", "--products", str(products)], env)
    seconds = time.monotonic() - start
    log(f"[{engine}] seeded in {seconds:.0f} s")
    return env, seconds


def measure(env: dict[str, str], requests: int, warmup: int) -> dict:
    out = run(
        [PYTHON, "bench/measure.py", "--requests", str(requests), "--warmup", str(warmup)],
        env,
        capture=True,
    )
    return json.loads(out)


def browser_benchmark(script: str, reuse: bool) -> tuple[dict | None, list[str]]:
    """Run bench/<script>.py --json (exit 0: targets met, 2: missed); its figures and misses."""
    log(f"[browser] bench/{script}.py")
    cmd = [PYTHON, f"bench/{script}.py", "--json"] + (["--reuse"] if reuse else [])
    result = subprocess.run(cmd, cwd=ROOT, check=False, text=True, stdout=subprocess.PIPE)
    if result.returncode not in (0, 2):
        return None, [f"bench/{script}.py failed (exit status {result.returncode})"]
    data = json.loads(result.stdout)
    return data, [f"{script}: {sentence}" for sentence in data["missed"]]


def check(engine: str, data: dict, seed_seconds: float | None, full: bool) -> list[str]:
    """The budgets this engine's results break, as sentences."""
    broken = []
    for name in BUDGETED_PAGES:
        page = data["weight"]["pages"].get(name)
        if page and page["status"] != 200:
            broken.append(f"{engine}: {name} page {page['url']} answered {page['status']}")
        elif page and page["gzip"] > PAGE_GZIP_BUDGET:
            broken.append(f"{engine}: {name} page is {page['gzip']} B gzipped (> 14 KB)")
    if data["weight"]["blocking_total"] > BLOCKING_GZIP_BUDGET:
        broken.append(
            f"{engine}: blocking CSS+JS is {data['weight']['blocking_total']} B (> 30 KB)"
        )
    for kind in TIMED_KINDS:
        t = data["times"][kind]
        if t["p50"] > P50_BUDGET_MS:
            broken.append(f"{engine}: {kind} p50 {t['p50']} ms (> {P50_BUDGET_MS} ms)")
        if t["p99"] > P99_BUDGET_MS:
            broken.append(f"{engine}: {kind} p99 {t['p99']} ms (> {P99_BUDGET_MS} ms)")
        errors = {code: n for code, n in t["statuses"].items() if int(code) >= 500}
        if errors:
            broken.append(f"{engine}: {kind} pages answered server errors {errors}")
    if engine == "postgres" and data["times"]["search"]["p95"] > PG_SEARCH_P95_BUDGET_MS:
        broken.append(f"postgres: search p95 {data['times']['search']['p95']} ms (> 50 ms)")
    if full and seed_seconds is not None and seed_seconds > SEED_BUDGET_S:
        broken.append(f"{engine}: seed_demo took {seed_seconds:.0f} s (> 5 minutes)")
    return broken


def machine() -> str:
    cpu = cpu_model()
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    postgres = ""
    try:
        import psycopg

        with psycopg.connect(f"{PG_BASE}/postgres", connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            postgres = f", PostgreSQL {row[0].split()[0]}" if row else ""
    except Exception:  # noqa: BLE001 - the version is only informative
        postgres = ""
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}{postgres}; load average {load} when the report "
        "was written (other work on the machine inflates the times)"
    )


def ok(value: float, budget: float) -> str:
    return "ok" if value <= budget else "**over**"


def row(what: str, budget: str, value: float, limit: float, unit: str = "B") -> str:
    """One line of the budget table; bytes are shown in KB."""
    shown = f"{value / 1024:.1f} KB" if unit == "B" else f"{value} {unit}"
    return f"| {what} | {budget} | {shown}, {ok(value, limit)} |"


def report(
    results: dict[str, dict],
    seeds: dict[str, float | None],
    args: argparse.Namespace,
    broken: list[str],
    browser: dict[str, dict | None],
) -> str:
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`.venv/bin/python bench/run.py`); this file is written by it.",
        "",
        f"- Machine: {machine()}.",
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, catalogue of {args.products:,} published "
        f"products (`seed_demo --products {args.products}`), {args.requests} timed requests per "
        f"page type after {args.warmup} warm-up requests, one process, one request at a time.",
        "- Server time is measured in-process with Django's test client through the whole stack "
        "(middleware, routing, view, database, templates, gzip), so it excludes the network.",
        "",
        "Rerun:",
        "",
        "```sh",
        "make bench                                   # both engines, 100,000 products",
        ".venv/bin/python bench/run.py --db sqlite    # one engine",
        ".venv/bin/python bench/run.py --reuse        # keep an already seeded database",
        ".venv/bin/python bench/run.py --quick        # smoke run, writes no file",
        ".venv/bin/python bench/run.py --no-browser   # without the 2G and Lighthouse runs",
        "```",
        "",
        "PostgreSQL runs use a database named `sokoni_bench_<products>` on "
        "`BENCH_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432`); SQLite runs use "
        "a temporary directory as `SOKONI_VAR_DIR`.",
        "",
        "## Budgets",
        "",
        "| what | budget | result |",
        "| --- | --- | --- |",
    ]
    first = next(iter(results.values()))
    heaviest = max(
        first["weight"]["pages"][p]["gzip"] for p in BUDGETED_PAGES if p in first["weight"]["pages"]
    )
    lines.append(row("buyer page HTML, gzipped (heaviest)", "≤ 14 KB", heaviest, PAGE_GZIP_BUDGET))
    blocking = first["weight"]["blocking_total"]
    lines.append(
        row("render-blocking CSS + JS, gzipped", "≤ 30 KB", blocking, BLOCKING_GZIP_BUDGET)
    )
    for engine, data in results.items():
        worst50 = max(data["times"][k]["p50"] for k in TIMED_KINDS)
        worst99 = max(data["times"][k]["p99"] for k in TIMED_KINDS)
        pages = f"{engine}: product, village, search"
        lines.append(row(f"{pages} p50 (worst)", "≤ 15 ms", worst50, P50_BUDGET_MS, "ms"))
        lines.append(row(f"{pages} p99 (worst)", "≤ 60 ms", worst99, P99_BUDGET_MS, "ms"))
        if engine == "postgres":
            p95 = data["times"]["search"]["p95"]
            lines.append(row("postgres: search p95", "≤ 50 ms", p95, PG_SEARCH_P95_BUDGET_MS, "ms"))
        seed = seeds.get(engine)
        if seed is not None:
            what = f"{engine}: `seed_demo --products {args.products}`"
            lines.append(row(what, "< 5 min", round(seed), SEED_BUDGET_S, "s"))
    lines += [
        "",
        "## Page weight",
        "",
        f"Measured on {first['vendor']}. HTML as served (gzip by Django's GZipMiddleware).",
        "",
    ]
    lines += [
        "The heaviest page of each type is shown (every village, every top-level category, "
        "every sixth shop, the product with the longest description, several searches).",
        "",
        "| page | heaviest URL | HTML bytes | gzipped bytes |",
        "| --- | --- | --- | --- |",
    ]
    for name, page in first["weight"]["pages"].items():
        lines.append(f"| {name} | `{page['url']}` | {page['html']:,} | {page['gzip']:,} |")
    lines += ["", "Render-blocking assets (gzip -9):", ""]
    for url, size in first["weight"]["blocking"].items():
        lines.append(f"- `{url}`: {size:,} B")
    lines.append(f"- total: {blocking:,} B")
    for engine, data in results.items():
        lines += [
            "",
            f"## Server time, {engine} ({data['products']:,} published products)",
            "",
            "| page type | requests | p50 ms | p95 ms | p99 ms | max ms | mean ms | statuses |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for kind, t in data["times"].items():
            statuses = ", ".join(f"{code}: {n}" for code, n in sorted(t["statuses"].items()))
            cells = [kind, t["n"], t["p50"], t["p95"], t["p99"], t["max"], t["mean"], statuses]
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += [
        "",
        "Search requests mix real words, typos (`cofee`, `hony`, `tomatos`, `bokshelf`, "
        "`cardamon`), two-word queries, sorts and a second page; village requests include later "
        "pages of the village's products.",
    ]
    lines += browser_sections(browser)
    lines += ["", "## Verdict", ""]
    lines += [f"- {b}" for b in broken] if broken else ["Every budget above is met."]
    return "\n".join(lines) + "\n"


def browser_sections(browser: dict[str, dict | None]) -> list[str]:
    """The 2G and Lighthouse sections of the report (when they ran)."""
    lines: list[str] = []
    if slow := browser.get("slow_network"):
        lines += [
            "",
            "## Over 2G (bench/slow_network.py)",
            "",
            "SQLite, `seed_demo --products 2000`, gunicorn (2 workers, DEBUG off); Chromium "
            "with DevTools network emulation of 2G: 300 ms round trip, 250 kbit/s down, 50 kbit/s "
            "up; a 412 x 823 phone screen. Cold: a fresh browser context, empty cache; warm: a "
            "second visit in the same context (the page revalidated by its ETag, the static "
            "files from the cache). Bytes as transferred (gzip, headers included), lazy images "
            "in view included. Targets: FCP ≤ 3 s cold, ≤ 1 s warm.",
            "",
            slow_network_table(slow["pages"]),
        ]
    if light := browser.get("lighthouse"):
        lines += [
            "",
            "## Lighthouse (bench/lighthouse.py)",
            "",
            "Lighthouse 12.2.3, default mobile settings (simulated slow 4G, 4x CPU slowdown), "
            "against /usr/bin/chromium on the same server; the median of three runs by "
            "performance. Targets: performance ≥ 95, accessibility ≥ 98, best practices ≥ 95. "
            "The benchmark index is Lighthouse's measure of the machine at the time: a busy "
            "machine (other work, a low index) inflates the total blocking time.",
            "",
            lighthouse_table(light["pages"]),
        ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="small catalogue and fewer requests; writes no file"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default=None)
    parser.add_argument("--products", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None, help="timed requests per page type")
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database already seeded with the same size"
    )
    parser.add_argument(
        "--output", default=None, help="where to write the report (default docs/performance.md)"
    )
    parser.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the 2G and Lighthouse benchmarks in Chromium (default: yes, but not --quick)",
    )
    args = parser.parse_args()
    args.browser = (not args.quick) if args.browser is None else args.browser
    args.db = args.db or ("sqlite" if args.quick else "both")
    args.products = args.products or (1500 if args.quick else 100_000)
    args.requests = args.requests or (100 if args.quick else 600)
    args.warmup = args.warmup or (20 if args.quick else 60)
    output = args.output or (None if args.quick else str(ROOT / "docs" / "performance.md"))

    engines = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in engines and not postgres_reachable():
        if args.db == "postgres":
            log(f"PostgreSQL is not reachable at {PG_BASE}")
            return 2
        log(f"PostgreSQL is not reachable at {PG_BASE}: measuring SQLite only")
        engines.remove("postgres")

    results: dict[str, dict] = {}
    seeds: dict[str, float | None] = {}
    broken: list[str] = []
    for engine in engines:
        env, seconds = prepare(engine, args.products, args.reuse)
        seeds[engine] = seconds
        log(f"[{engine}] measuring")
        data = measure(env, args.requests, args.warmup)
        results[engine] = data
        broken += check(engine, data, seconds, full=args.products >= 100_000)
        for kind, t in data["times"].items():
            figures = f"p50 {t['p50']:>6} ms  p95 {t['p95']:>6} ms  p99 {t['p99']:>6} ms"
            log(f"[{engine}] {kind:<9} {figures}")
    browser: dict[str, dict | None] = {}
    if args.browser:
        for script in ("slow_network", "lighthouse"):
            browser[script], missed = browser_benchmark(script, args.reuse)
            broken += missed
    first = next(iter(results.values()))
    for name, page in first["weight"]["pages"].items():
        log(f"page weight {name:<13} {page['gzip']:>6} B gzipped ({page['html']:,} B)")
    log(f"render-blocking CSS+JS {first['weight']['blocking_total']} B gzipped")
    if output:
        path = Path(output)
        kept = ""
        if path.exists() and NOTES_MARKER in (old := path.read_text()):
            kept = "\n" + old[old.index(NOTES_MARKER) :]
        path.write_text(report(results, seeds, args, broken, browser) + kept)
        log(f"wrote {output}")
    for sentence in broken:
        log(f"BUDGET BROKEN: {sentence}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
