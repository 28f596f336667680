"""Is this process able to serve? The database, the cache and the task queue, each asked once.

`GET /healthz` (sokoni.web) answers 200 with each part's state when all answer, and 503 when
one does not, so a load balancer takes the node out of rotation and a supervisor can tell which
service is missing. Every check is bounded by the services' own short timeouts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection

logger = logging.getLogger("sokoni.health")


@dataclass(frozen=True)
class Part:
    name: str
    ok: bool
    detail: str
    ms: float


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    backend = caches["default"]
    client = getattr(backend, "client", None)
    if client is not None and hasattr(client, "get_client"):
        # django-redis swallows errors for the site's sake; here they must show.
        client.get_client(write=True).ping()
        return "redis"
    backend.set("sokoni:health", "1", 5)
    if backend.get("sokoni:health") != "1":
        raise RuntimeError("the cache did not keep a value")
    return "local memory"


def _queue() -> str:
    if settings.TASK_QUEUE == "rq":
        import django_rq

        django_rq.get_connection("default").ping()
        return "redis (rq)"
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.exists()
    return "database"


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "queue": _queue}


def check_health() -> list[Part]:
    """Each service's state; a failure is logged with its cause and reported, never raised."""
    parts = []
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy", reported
            detail, ok = f"{type(exc).__name__}: {exc}"[:200], False
            logger.warning("health check failed: %s", name, extra={"part": name, "error": detail})
        parts.append(Part(name, ok, detail, round((time.perf_counter() - started) * 1000, 1)))
    return parts
