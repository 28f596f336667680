"""The background task worker of this installation's queue: RQ on Redis (TASK_QUEUE=rq, with
its scheduler for tasks that run later) or the database queue (TASK_QUEUE=db)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the task worker of the configured queue (rqworker or db_worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASK_QUEUE == "rq":
            call_command("rqworker", "default", with_scheduler=True)
        else:
            call_command("db_worker", reload=False)
