"""Enqueue background tasks (django-tasks) so that they never run ahead of the data they need.

The database backend (django-tasks-db) writes the task row in the caller's transaction: the
task exists exactly when the change that asked for it commits, like an outbox. Other backends
(Redis/RQ) enqueue only after commit. Every task is idempotent: it loads its object by id and
calls a service that checks the state again, so a duplicate or late run is harmless.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django_tasks.base import Task

TRANSACTIONAL_BACKENDS = (
    "django_tasks_db.DatabaseBackend",
    "django_tasks_db.backend.DatabaseBackend",
    "django_tasks.backends.dummy.DummyBackend",
)


def defer(
    task: Task[Any, Any], *args: Any, run_after: datetime | None = None, **kwargs: Any
) -> None:
    """Enqueue ``task(*args, **kwargs)`` to run after ``run_after`` (or as soon as possible)."""
    from django.conf import settings

    bound = task.using(run_after=run_after) if run_after is not None else task
    backend = settings.TASKS[bound.backend]["BACKEND"]
    if backend in TRANSACTIONAL_BACKENDS:
        bound.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: bound.enqueue(*args, **kwargs), robust=True)
