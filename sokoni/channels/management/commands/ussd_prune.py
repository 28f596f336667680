"""Forget USSD sessions older than two days (run daily from cron).

A session lasts a few minutes; its row is kept a while so that a late retry of a hop still
gets its first answer, then it only takes room.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sokoni.channels.models import UssdSession


class Command(BaseCommand):
    help = "Delete USSD sessions not used for --days days (default 2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        before = timezone.now() - timedelta(days=max(options["days"], 1))
        deleted, _ = UssdSession.objects.filter(updated_at__lt=before).delete()
        self.stdout.write(f"deleted {deleted} USSD session(s)")
