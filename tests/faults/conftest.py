"""Helpers of the fault tests: the test database seen from outside (subprocesses, an admin
connection that cuts the others), real server processes, and the checks that nothing was lost
or doubled."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings

from sokoni.core.tests import races

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks, other processes and cut connections")


@pytest.fixture
def use_settings(tasks) -> Iterator[Callable[..., None]]:
    """Override settings until the test ends (``use_settings(TASKS=...)``), undone before the
    ``tasks`` fixture clears its queue (which must be the test queue again by then)."""
    overrides: list[override_settings] = []

    def use(**values: object) -> None:
        override = override_settings(**values)
        override.enable()
        overrides.append(override)

    yield use
    for override in reversed(overrides):
        override.disable()


race = races.race  # the shared helper; the fault tests import it from here


# -- the test database, from outside -----------------------------------------------------------


def database_url() -> str:
    """The URL of the test database this process uses (subprocesses connect to it)."""
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def admin_connection() -> psycopg.Connection:
    """A connection to the server's maintenance database, outside Django (never cut)."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def cut_connections(admin: psycopg.Connection) -> int:
    """Do to our database what a server restart does: end every connection to it (the other
    databases on this shared server are left alone); return how many were ended."""
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        [connection.settings_dict["NAME"]],
    ).fetchall()
    return len(rows)


@contextmanager
def own_redis_name(url: str) -> Iterator[tuple[redis.Redis, str]]:
    """A client of the real Redis at ``url`` and a name unique to this test (for a key prefix
    or a queue); skips the test when Redis does not answer. The caller removes its keys."""
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    try:
        yield client, f"faults-{uuid.uuid4().hex[:12]}"
    finally:
        client.close()


@contextmanager
def database_down(admin: psycopg.Connection) -> Iterator[None]:
    """Our database refuses connections (a server restarting) until the block ends."""
    name = connection.settings_dict["NAME"]
    admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    try:
        cut_connections(admin)
        yield
    finally:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        connection.close()  # this process's own connection was cut too


def waiting_on_a_lock(admin: psycopg.Connection, timeout: float = 20) -> int:
    """Wait until a connection to our database waits on a row lock; return its pid."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [connection.settings_dict["NAME"]],
        ).fetchone()
        if row:
            return int(row[0])
        time.sleep(0.05)
    raise AssertionError("nobody came to wait on the lock")


# -- real processes ------------------------------------------------------------------------------


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a server process on the test database (production settings)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "sokoni.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "REDIS_URL": "",
        "TASK_QUEUE": "db",
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
    }
    env.update(extra)
    return env


class Process:
    """A child process in its own process group, its output in a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(  # noqa: S603 - our own commands
            args,
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole tree (gunicorn's workers; RQ's work horse, which runs in
        a session of its own), as a power cut or a supervisor killing a cgroup would, and
        reap the child."""
        if self.popen.poll() is None:
            for pid in [self.popen.pid, *_descendants(self.popen.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
        self.popen.wait(timeout=15)
        self._out.close()

    def output(self) -> str:
        self._out.flush()
        return self.log.read_text(errors="replace")


@pytest.fixture
def processes(tmp_path) -> Iterator[Callable[..., Process]]:
    """Start processes (``processes(name, args, env)``); all are killed at the end."""
    started: list[Process] = []

    def start(name: str, args: list[str], env: dict[str, str]) -> Process:
        process = Process(args, env, tmp_path / f"{name}-{len(started)}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (read from /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(url: str, cookie: str = "", timeout: float = 10) -> tuple[int, str, dict[str, str]]:
    """GET ``url``: status, body and headers, whatever the status."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def wait_until(check: Callable[[], bool], timeout: float = 20, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or check}")
