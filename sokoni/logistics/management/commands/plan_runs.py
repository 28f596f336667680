"""Plan a hub's pickup runs for a day and print what the plan holds (run from cron or by hand).

manage.py plan_runs --hub nyeri                  # today, in the hub's country
manage.py plan_runs --hub nyeri --date 2026-03-10 --time-limit 10
manage.py plan_runs --all                        # every open hub, today in each country
manage.py plan_runs --all --schedule             # queue each open hub's next day (cron)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sokoni.core.errors import DomainError
from sokoni.logistics.runs import PlanResult, hub_today, runs_plan, runs_schedule_daily
from sokoni.shipping.models import Hub

MAX_TIME_LIMIT_S = 600.0


class Command(BaseCommand):
    help = "Plan the pickup and delivery runs of a hub (or of every open hub) for one day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hub", help="The hub's code.")
        parser.add_argument("--all", action="store_true", help="Every open hub.")
        parser.add_argument(
            "--date", help="The day to plan, YYYY-MM-DD (default: today in the hub's country)."
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=5.0,
            help="Seconds the planner may search, per hub (default 5).",
        )
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="With --all: queue each hub's planning of its next day, at 05:00 local time, "
            "instead of planning now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code, every, schedule = options.get("hub"), options["all"], options["schedule"]
        if bool(code) == bool(every):
            raise CommandError("Give either --hub <code> or --all.")
        if schedule:
            if not every or options.get("date"):
                raise CommandError("--schedule goes with --all and without --date.")
            for hub, day in runs_schedule_daily():
                self.stdout.write(f"queued {hub.code} for {day.isoformat()}")
            return
        limit = options["time_limit"]
        if not 0 < limit <= MAX_TIME_LIMIT_S:
            raise CommandError(
                f"--time-limit must be more than 0 and at most {MAX_TIME_LIMIT_S:g}."
            )
        given = _parse_date(options.get("date"))
        if every:
            hubs = list(Hub.objects.filter(is_active=True).order_by("code"))
            if not hubs:
                self.stdout.write("No open hub.")
        else:
            found = Hub.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"No hub has the code {code!r}.")
            if not found.is_active:
                raise CommandError(f"Hub {code!r} is closed.")
            hubs = [found]
        for hub in hubs:
            try:
                result = runs_plan(hub=hub, day=given or hub_today(hub), time_limit_s=limit)
            except DomainError as exc:
                raise CommandError(f"{hub.code}: {exc.message}") from exc
            self.stdout.write(report(result))


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r} is not a date like 2026-03-10.") from None


def report(result: PlanResult) -> str:
    """The plan in a few lines, for the console and the cron mail."""
    hub = result.hub
    costs = ", ".join(f"{money.to_decimal()} {money.currency}" for money in result.costs) or "0"
    lines = [
        f"{hub.code} ({hub.name}) {result.day.isoformat()}",
        f"  runs: {len(result.runs)}  km: {result.km}  cost: {costs}",
        f"  parcels planned: {result.parcels_planned} "
        f"(collect {result.collections}, deliver {result.deliveries})",
    ]
    lines.extend(
        f"    {run.vehicle.name}: {run.km} km, {run.minutes} min, "
        f"driver {run.driver.name if run.driver else '-'}"
        for run in result.runs
    )
    if result.kept:
        lines.append(f"  kept (on the road or done): {len(result.kept)}")
    if result.cancelled:
        lines.append(f"  cancelled (order closed before collection): {result.cancelled}")
    lines.append(f"  left over: {len(result.leftovers)}")
    lines.extend(
        f"    {leftover.shipment.code} {leftover.reason}: {leftover.detail}"
        for leftover in result.leftovers
    )
    lines.append(
        f"  naive: {result.naive_km} km, saving {result.saving_percent:.1f} %"
        f"  (solved in {result.solve_seconds:.1f} s)"
    )
    return "\n".join(lines)
