"""What the benchmarks that start their own server share: a fresh PostgreSQL database, a free
port, gunicorn started and stopped as a process group, waiting for a started server to
answer, a child step run with Django set up, nearest-rank percentiles and the CPU's name.

The scripts run as ``python bench/<name>.py``, so this folder is on ``sys.path``.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PG_BASE = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
HOST = "127.0.0.1"


def postgres_database(name: str, *, drop_only: bool = False) -> str:
    """Drop ``name`` (with its connections) and, unless ``drop_only``, create it empty."""
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_BASE}/{name}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(
    env: dict[str, str],
    port: int,
    workers: int,
    logfile: Path,
    *,
    access_log: bool = False,
    extra: tuple[str, ...] = (),
) -> subprocess.Popen:
    """gunicorn with sync workers on the loopback, in a process group of its own; with
    ``access_log``, each request's method, path, status and server time (microseconds from the
    worker reading the request to the end of the answer, without the wait for a free worker)
    go to ``<logfile>.access``; ``extra`` are more gunicorn options."""
    cmd = [
        GUNICORN,
        "sokoni.wsgi",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        *extra,
    ]
    if access_log:
        cmd += [
            "--access-logfile",
            str(logfile.with_suffix(".access")),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
        ]
    out = logfile.open("w")
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(server: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM the server's process group; SIGKILL it if it is not gone within ``timeout``."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_ready(
    server: subprocess.Popen, answers: Callable[[], bool], *, seconds: float = 60, what: str
) -> None:
    """Ask ``answers()`` until it says yes; SystemExit naming ``what`` if the server stops or
    does not answer within ``seconds`` (a refused or reset connection is not an answer)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{what} exited with {server.returncode}")
        try:
            if answers():
                return
        except OSError:  # not listening yet (URLError, a reset, a timeout)
            pass
        time.sleep(0.3)
    raise SystemExit(f"{what} did not answer within {seconds:.0f} s")


def url_answers(url: str, timeout: float = 10) -> Callable[[], bool]:
    """For ``wait_ready``: ``url`` answers 200 (any other status raises HTTPError, an
    OSError)."""

    def answers() -> bool:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bool(response.status == 200)

    return answers


def run_child(script: str, env: dict[str, str], *args: str) -> None:
    """Run ``script`` again as a child (``--child <step> ...``) in ``env``."""
    result = subprocess.run(
        [PYTHON, str(Path(script).resolve()), *args], cwd=ROOT, env=env, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"child step failed: {' '.join(args[:2])}")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def serve_village(village: object) -> int:
    """Give a benchmark village a delivery network (call with Django set up): a hub at the
    village, one carrier running every leg in its country with a small priced grid (KES 100
    to 400 by weight), the village served by the hub. Returns the hub's id (the town to deliver
    to)."""
    from sokoni.shipping.models import Carrier, Hub, HubVillage, RateTable, Service
    from sokoni.shipping.rates import Band
    from sokoni.shipping.services import rate_table_set
    from sokoni.shipping.states import CarrierKind, LegKind

    country = village.country  # type: ignore[attr-defined]
    hub = Hub.objects.create(
        code=f"bench-{village.pk}",  # type: ignore[attr-defined]
        name="Bench hub",
        country=country,
        region=village.region,  # type: ignore[attr-defined]
        latitude=village.latitude,  # type: ignore[attr-defined]
        longitude=village.longitude,  # type: ignore[attr-defined]
    )
    HubVillage.objects.create(village=village, hub=hub)
    carrier = Carrier.objects.create(name="Bench vans", kind=CarrierKind.OWN_FLEET)
    for leg in LegKind.values:
        service = Service.objects.create(
            carrier=carrier, leg=leg, country=country, transit_min_days=0, transit_max_days=1
        )
        table = RateTable.objects.create(service=service, currency="KES")
        rate_table_set(
            table=table,
            bands=[
                Band(0, 5_000, 0, 100_000, 10_000),
                Band(5_000, 2_000_000_000, 0, 100_000, 40_000),
            ],
        )
    return hub.pk
