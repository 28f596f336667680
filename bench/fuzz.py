"""`make fuzz`: schemathesis against a running server's /api/v1/openapi.json.

A throwaway SQLite database under var/fuzz/ (migrated, the demo world seeded), gunicorn with
DEBUG off on a free loopback port, Bearer tokens for the demo buyer and the demo seller from
POST /api/v1/auth/token, then ``st run`` once per user over every operation, with the checks
below and every phase (examples, coverage, fuzzing and the stateful phase over the schema's
links). The server is stopped at the end; the exit status is non-zero on any failure.

    python bench/fuzz.py                       # FUZZ_EXAMPLES (default 20) cases per operation
    FUZZ_EXAMPLES=200 python bench/fuzz.py     # a longer run
    python bench/fuzz.py --seed 1 --users buyer   # reproducible, one user

Reports (JUnit XML and the failures as pytest files) go to var/fuzz/report-<user>/; the
server's log to var/fuzz/server.log; the next run starts afresh.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from harness import HOST, PYTHON, ROOT, free_port, start_server, stop, url_answers, wait_ready

ST = str(Path(sys.executable).parent / "st")
VAR = ROOT / "var" / "fuzz"
PASSWORD = "sokoni-demo"  # noqa: S105 - the demo accounts' published password (README.md)
USERS = {"buyer": "+254712000010", "seller": "+8613800000001"}
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
)
# Fewer products than the demo's default: the fuzzer needs a catalogue, not a big one.
PRODUCTS = 120


def prepare(env: dict[str, str]) -> None:
    shutil.rmtree(VAR, ignore_errors=True)
    # No collectstatic: the API serves no static files (the empty folder quiets WhiteNoise).
    (VAR / "static").mkdir(parents=True)
    for args in (
        ["compile_translations"],
        ["migrate", "--noinput", "-v0"],
        ["seed_demo", "--products", str(PRODUCTS)],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def token(base: str, phone: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"phone": phone, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["token"])


def fuzz(base: str, user: str, bearer: str, examples: int, seed: int | None) -> int:
    report = VAR / f"report-{user}"
    cmd = [
        ST,
        "run",
        f"{base}/api/v1/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(examples),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--header",
        f"Authorization: Bearer {bearer}",
        # One worker: threads generating at once hit a CPython 3.11 ast bug inside hypothesis
        # ("AST constructor recursion depth mismatch", python/cpython#106905).
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "too_slow,filter_too_much",
        "--report",
        "junit,pytest",
        "--report-dir",
        str(report),
        "--output-truncate",
        "false",
    ]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    print(f"\n== {user} ==", flush=True)
    # In var/fuzz/: schemathesis keeps its cache (.schemathesis/) in the working directory.
    return subprocess.run(cmd, cwd=VAR, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "20")))
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--users", default=",".join(USERS), help="buyer,seller")
    args = parser.parse_args()

    env = {
        **os.environ,
        "SOKONI_VAR_DIR": str(VAR),
        "DJANGO_SETTINGS_MODULE": "sokoni.settings",
        "DEBUG": "0",
        "PYTHONPATH": str(ROOT),
    }
    started = time.monotonic()
    prepare(env)
    port = free_port()
    base = f"http://{HOST}:{port}"
    # No limit on the request line (gunicorn's 4094 bytes would answer long generated query
    # strings with an HTML 414 before the application sees them).
    server = start_server(
        env, port, workers=2, logfile=VAR / "server.log", extra=("--limit-request-line", "0")
    )
    failed: list[str] = []
    try:
        wait_ready(
            server,
            url_answers(f"{base}/api/v1/openapi.json", timeout=30),
            what=f"the server (see {VAR / 'server.log'})",
        )
        # Both tokens first: fuzzing POST /auth/token uses up the address's token requests.
        bearers = {user: token(base, USERS[user]) for user in args.users.split(",")}
        for user, bearer in bearers.items():
            if fuzz(base, user, bearer, args.examples, args.seed) != 0:
                failed.append(user)
    finally:
        stop(server)
    minutes = (time.monotonic() - started) / 60
    verdict = f"failures as {', '.join(failed)}" if failed else "no failures"
    print(f"\nfuzz: {verdict} ({args.examples} examples per operation, {minutes:.1f} min)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
