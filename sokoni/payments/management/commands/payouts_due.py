"""Send the payouts whose task was lost (the queue was down, a worker died).

Each payout is requested with a task that calls the provider; this sweep (the clock runs it
every few minutes) makes sure none waits forever when that task never ran.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.payments.services.payouts import payouts_send_due


class Command(BaseCommand):
    help = "Send requested payouts whose sending task was lost."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"sent {payouts_send_due()} lost payout(s)")
