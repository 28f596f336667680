"""Production configuration (issue 8): what the environment turns on, the health check, the
request log and the worker command. Settings are read in a fresh interpreter, as a server
would read them."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sokoni.core import health
from sokoni.core.management.commands import run_worker
from sokoni.core.tests.real_settings import ROOT, settings_env

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "caches": {k: v["BACKEND"] for k, v in s.CACHES.items()},
    "session": s.SESSION_ENGINE,
    "tasks": s.TASKS["default"]["BACKEND"],
    "task_queue": s.TASK_QUEUE,
    "rq": "django_rq" in s.INSTALLED_APPS,
    "media": s.STORAGES["default"]["BACKEND"],
    "media_options": s.STORAGES["default"].get("OPTIONS", {}),
    "serve_media": s.SERVE_MEDIA,
    "formatter": s.LOGGING["formatters"]["console"],
    "request_log": s.LOGGING["loggers"]["sokoni.request"]["level"],
}))
"""


def settings_with(tmp_path: Path, **env: str) -> dict[str, Any]:
    base = settings_env(tmp_path, SECRET_KEY="x" * 60, **env)
    out = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", READ_SETTINGS],
        env=base,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_embedded_default_needs_no_service(tmp_path):
    found = settings_with(tmp_path)
    assert found["caches"] == {
        "default": "django.core.cache.backends.locmem.LocMemCache",
        "pages": "django.core.cache.backends.locmem.LocMemCache",
    }
    assert found["session"] == "django.contrib.sessions.backends.db"
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"
    assert not found["rq"]
    assert found["media"] == "django.core.files.storage.FileSystemStorage"
    assert "()" not in found["formatter"]  # plain text lines


def test_redis_url_puts_cache_sessions_and_queue_on_redis(tmp_path):
    found = settings_with(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")
    assert set(found["caches"].values()) == {"django_redis.cache.RedisCache"}
    # Sessions are read from Redis and written through to the database (their record).
    assert found["session"] == "django.contrib.sessions.backends.cached_db"
    assert found["tasks"] == "django_tasks_rq.RQBackend"
    assert found["rq"]


def test_the_queue_can_stay_in_the_database_beside_redis(tmp_path):
    found = settings_with(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3", TASK_QUEUE="db")
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"
    assert not found["rq"]


def test_media_in_s3_compatible_storage(tmp_path):
    found = settings_with(
        tmp_path,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="sokoni-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
    )
    assert found["media"] == "storages.backends.s3.S3Storage"
    assert found["media_options"]["bucket_name"] == "sokoni-media"
    assert found["media_options"]["endpoint_url"] == "https://objects.example.org"
    assert found["media_options"]["default_acl"] is None
    assert not found["serve_media"]


def test_json_logs_and_the_request_log(tmp_path):
    found = settings_with(tmp_path, LOG_FORMAT="json", LOG_REQUESTS="1")
    assert found["formatter"]["()"] == "pythonjsonlogger.json.JsonFormatter"
    assert found["request_log"] == "INFO"


# -- /healthz ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_200_with_each_part():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["parts"]) == {"database", "cache", "queue"}
    assert all(part["ok"] for part in body["parts"].values())
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_part_that_failed(monkeypatch, caplog):
    def queue_down() -> str:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setitem(health.CHECKS, "queue", queue_down)
    with caplog.at_level(logging.WARNING, logger="sokoni.health"):
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["parts"]["database"]["ok"]
    assert not body["parts"]["queue"]["ok"]
    assert "Connection refused" in body["parts"]["queue"]["detail"]
    assert "health check failed: queue" in caplog.text


@pytest.mark.django_db
def test_healthz_reports_a_redis_cache_that_does_not_answer(settings):
    """django-redis swallows errors for the pages' sake; the health check must not."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        },
    }
    # (the settings fixture sends setting_changed: Django rebuilds its cache handlers)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert not response.json()["parts"]["cache"]["ok"]


# -- request log and worker ---------------------------------------------------------------------


@pytest.mark.django_db
def test_each_request_is_logged_with_its_fields(caplog):
    with caplog.at_level(logging.INFO, logger="sokoni.request"):
        Client().get("/healthz")
    record = next(r for r in caplog.records if r.name == "sokoni.request")
    assert record.getMessage() == "GET /healthz 200"
    assert record.method == "GET"
    assert record.status == 200
    assert record.path == "/healthz"
    assert record.ms >= 0
    assert record.user is None


def test_the_request_log_costs_nothing_when_off(caplog):
    with caplog.at_level(logging.WARNING, logger="sokoni.request"):
        Client().get("/sw.js")
    assert not [r for r in caplog.records if r.name == "sokoni.request"]


@pytest.mark.parametrize(
    ("queue", "expected"),
    [
        (
            "rq",
            (
                "rqworker",
                ("default",),
                {
                    "with_scheduler": True,
                    "job_class": "django_tasks_rq.backend.Job",
                    "worker_class": "sokoni.core.rq_worker.Worker",
                },
            ),
        ),
        ("db", ("db_worker", (), {"reload": False, "batch": False})),
    ],
)
def test_the_worker_runs_the_configured_queue(settings, monkeypatch, queue, expected):
    called = []
    monkeypatch.setattr(
        run_worker, "call_command", lambda name, *a, **kw: called.append((name, a, kw))
    )
    settings.TASK_QUEUE = queue
    call_command("run_worker")
    name, args, kwargs = called[0]
    assert name == expected[0]
    assert args == expected[1]
    for key, value in expected[2].items():
        assert kwargs[key] == value


@pytest.fixture
def rq_env(tmp_path):
    """The environment of a process with the real settings on an emptied Redis database 13:
    tasks go to RQ there (skipped when no Redis answers)."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return settings_env(tmp_path, SECRET_KEY="x" * 60, REDIS_URL=url)


def test_a_task_enqueued_on_redis_is_run_by_the_worker(tmp_path, rq_env):
    """The real thing: enqueue through django-tasks on RQ, then `run_worker`'s rqworker (burst)
    runs it; the worker needs django-tasks-rq's job class to run a django-tasks Task."""
    env = rq_env
    done = tmp_path / "done.txt"
    enqueue = (
        "import django; django.setup(); "
        "from sokoni.core.tests.rq_probe import probe; "
        f"probe.enqueue({str(done)!r}, 'ran on rq')"
    )
    subprocess.run([sys.executable, "-c", enqueue], env=env, cwd=ROOT, check=True)  # noqa: S603
    assert not done.exists()
    worker = [sys.executable, "manage.py", "run_worker", "--burst"]
    subprocess.run(worker, env=env, cwd=ROOT, check=True, capture_output=True, timeout=60)  # noqa: S603
    assert done.read_text() == "ran on rq"


def test_the_rq_worker_runs_jobs_in_its_own_process_and_keeps_its_connection(tmp_path, rq_env):
    """No work horse forked per job (sokoni.core.rq_worker): the jobs run in the worker's own
    process, and the second finds the database connection the first opened."""
    env = rq_env
    seen = tmp_path / "seen.txt"
    enqueue = (
        "import django; django.setup(); "
        "from sokoni.core.tests.rq_probe import probe_process; "
        f"probe_process.enqueue({str(seen)!r}); probe_process.enqueue({str(seen)!r})"
    )
    subprocess.run([sys.executable, "-c", enqueue], env=env, cwd=ROOT, check=True)  # noqa: S603
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--burst"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert worker.wait(timeout=60) == 0
    lines = seen.read_text().split("\n")[:-1]
    assert lines == [f"{worker.pid} False", f"{worker.pid} True"]
