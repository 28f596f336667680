"""Run what is due now, in case a task was lost: expire unpaid checkouts, release escrows,
escalate disputes whose deadline passed.

The tasks scheduled at checkout and at shipping do this on time; this sweep (run it from
cron every few minutes) makes sure nothing waits forever if a worker was down.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.orders.services.disputes import dispute_escalate_due
from sokoni.orders.services.due import orders_run_due


class Command(BaseCommand):
    help = "Expire unpaid checkouts, release escrows and escalate disputes whose time has come."

    def handle(self, *args: Any, **options: Any) -> None:
        expired, released = orders_run_due()
        escalated = dispute_escalate_due()
        self.stdout.write(
            f"expired {expired} checkout(s), released {released} order(s), "
            f"escalated {escalated} dispute(s)"
        )
