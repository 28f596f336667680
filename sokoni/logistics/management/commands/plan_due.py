"""Plan today's runs of every open hub whose daily planning was lost (the queue was down, a
worker died, the cron line did not run).

``plan_runs --all --schedule`` queues each hub's planning for 05:00 local time; this sweep (the
clock runs it every ten minutes) plans a hub's day that still has no plan half an hour later.
A day that has a plan is never planned again here (hub staff may have changed it, or started
its runs).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.logistics.runs import runs_plan_due


class Command(BaseCommand):
    help = "Plan today's runs of open hubs whose daily planning was lost."

    def handle(self, *args: Any, **options: Any) -> None:
        plans = runs_plan_due()
        days = ", ".join(f"{plan.hub.code} {plan.day.isoformat()}" for plan in plans)
        self.stdout.write(f"planned {len(plans)} lost day(s)" + (f": {days}" if days else ""))
