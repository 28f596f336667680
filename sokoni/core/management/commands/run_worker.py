"""The background task worker of this installation's queue: RQ on Redis (TASK_QUEUE=rq, with
its scheduler for tasks that run later; jobs run in the worker's process, see
sokoni.core.rq_worker) or the database queue (TASK_QUEUE=db)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sokoni.core.rq_worker import JOB_CLASS, WORKER_CLASS


class Command(BaseCommand):
    help = "Run the task worker of the configured queue (rqworker or db_worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--burst", action="store_true", help="run what is queued now, then stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASK_QUEUE == "rq":
            call_command(
                "rqworker",
                "default",
                with_scheduler=not options["burst"],
                burst=options["burst"],
                job_class=JOB_CLASS,
                worker_class=WORKER_CLASS,
            )
        else:
            call_command("db_worker", reload=False, batch=options["burst"])
