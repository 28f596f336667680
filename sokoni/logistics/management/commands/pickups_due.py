"""Send back parcels nobody collected in time, in case their task was lost (run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.logistics.services import pickups_run_due


class Command(BaseCommand):
    help = "Send uncollected parcels back to their sellers and refund the orders."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"returned {pickups_run_due()} parcel(s)")
