"""Forget the offline queue's request keys older than a week (run daily from cron).

A queued form is replayed within minutes or hours of the link coming back; a week covers a
phone left off over a long trip, after which the rows only take room.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.core.request_keys import request_keys_prune


class Command(BaseCommand):
    help = "Delete request keys (the offline queue's idempotency keys) older than seven days."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = request_keys_prune()
        self.stdout.write(f"deleted {deleted} request key(s)")
