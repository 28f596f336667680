"""Lighthouse scores of the home, product and search pages (issue 7).

Serves the same seeded SQLite database as bench/slow_network.py (`seed_demo --products 2000`,
gunicorn, DEBUG off, static files by WhiteNoise) and runs Lighthouse 12.2.3 (npm, fetched once
by `npx --yes`) against /usr/bin/chromium with its default mobile settings (a mid-range phone,
simulated slow 4G, 4x CPU slowdown) on each page, performance, accessibility and best
practices only, three times a page (the median performance run counts). Prints the three
scores per page, and the audits that cost points.

    .venv/bin/python bench/lighthouse.py            # exit 2 when a score is under its target
    .venv/bin/python bench/lighthouse.py --json
    .venv/bin/python bench/lighthouse.py --reuse    # keep the seeded database between runs

Targets: accessibility ≥ 98, best practices ≥ 95, performance ≥ 95 on every page.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness import HOST, free_port, start_server, stop
from slow_network import CHROMIUM, log, page_urls, prepare, wait_for_server

LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 95, "accessibility": 98, "best-practices": 95}
PAGES = ("home", "product", "search")
ATTEMPTS = 3  # failed runs (lost traces) tolerated per page before giving up


def lighthouse(url: str, runs: int) -> dict[str, Any]:
    """Lighthouse's report of one page: the run with the median performance score (the
    performance score varies from run to run with the machine's load, mostly through the
    total blocking time)."""
    npx = shutil.which("npx")
    if npx is None:
        raise SystemExit("npx (Node.js) is needed for Lighthouse")
    reports = []
    failures: list[str] = []
    while len(reports) < runs:
        if len(failures) > ATTEMPTS:
            raise SystemExit(f"lighthouse failed on {url}:\n{failures[-1]}")
        with tempfile.TemporaryDirectory(prefix="sokoni-lighthouse-") as profile:
            result = subprocess.run(
                [
                    npx,
                    "--yes",
                    LIGHTHOUSE,
                    url,
                    f"--chrome-flags=--headless=new --no-sandbox --user-data-dir={profile}",
                    "--output=json",
                    "--output-path=stdout",
                    f"--only-categories={','.join(CATEGORIES)}",
                    "--quiet",
                ],
                env={**os.environ, "CHROME_PATH": CHROMIUM},
                text=True,
                capture_output=True,
                check=False,
            )
        report = parse(result.stdout) if result.returncode == 0 else None
        if report is None:
            # Lighthouse now and then loses a trace (NO_NAVSTART) on a busy machine: run again.
            failures.append(result.stderr[-3000:] or result.stdout[-3000:])
            log(f"lighthouse failed on {url}, running it again")
            continue
        reports.append(report)
    reports.sort(key=lambda r: r["categories"]["performance"]["score"] or 0)
    return dict(reports[len(reports) // 2])


def parse(output: str) -> dict[str, Any] | None:
    """A Lighthouse JSON report with a performance score, or None (a failed run)."""
    try:
        report = json.loads(output)
    except ValueError:
        return None
    if report.get("runtimeError") or report["categories"]["performance"]["score"] is None:
        return None
    return dict(report)


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The three scores (0-100), the main timings and the audits that cost points."""
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = report["audits"]
    lost = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{category}: {ref['id']} ({audit['score']:.2f}) {audit['title']}")
    timings = {
        name: round(audits[name]["numericValue"])
        for name in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "speed-index",
        )
        if audits.get(name, {}).get("numericValue") is not None
    }
    cls = audits.get("cumulative-layout-shift", {}).get("numericValue")
    return {
        "scores": scores,
        "timings_ms": timings,
        "cls": cls,
        "lost": lost,
        # Lighthouse's measure of this machine's speed at the time (a busy machine scores low,
        # and its 4x CPU slowdown then weighs more than on the phone it stands for).
        "benchmark_index": report["environment"].get("benchmarkIndex"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true", help="reuse the seeded database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (the median counts)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--pages", nargs="+", choices=PAGES, default=list(PAGES), help="only these pages"
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        log(f"Chromium not found at {CHROMIUM}")
        return 1
    env = prepare(args.products, args.reuse)
    urls = page_urls(env)
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = start_server(env, port, args.workers, Path(env["SOKONI_VAR_DIR"]) / "gunicorn.log")
    results: dict[str, Any] = {}
    try:
        wait_for_server(base, server)
        for name in args.pages:
            log(f"lighthouse {name} ({urls[name]})")
            results[name] = {"url": urls[name], **summary(lighthouse(base + urls[name], args.runs))}
    finally:
        stop(server)
    broken = [
        f"{name}: {category} {r['scores'][category]} (< {target})"
        for name, r in results.items()
        for category, target in TARGETS.items()
        if r["scores"][category] < target
    ]
    if args.json:
        print(json.dumps({"pages": results, "missed": broken}, indent=2))
    else:
        print(table(results))
        for name, r in results.items():
            for line in r["lost"]:
                print(f"  {name}: {line}")
        print("\n".join(f"TARGET MISSED: {s}" for s in broken) or "Every target is met.")
    return 2 if broken else 0


def table(results: dict[str, Any]) -> str:
    lines = [
        "| page | performance | accessibility | best practices | FCP | LCP | TBT | CLS "
        "| benchmark index |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        s, t = r["scores"], r["timings_ms"]
        cls = "-" if r["cls"] is None else f"{r['cls']:.3f}"
        lines.append(
            f"| {name} (`{r['url']}`) | {s['performance']} | {s['accessibility']} "
            f"| {s['best-practices']} | {t.get('first-contentful-paint')} ms "
            f"| {t.get('largest-contentful-paint')} ms | {t.get('total-blocking-time')} ms "
            f"| {cls} | {r['benchmark_index']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
