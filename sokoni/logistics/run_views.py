"""Drivers' and hub staff's pages of the daily runs: my runs, a run's stops, its printable
manifest, and a hub's day with a button to plan it again.

Who sees what is decided by the reads in ``runs`` (a driver their runs, hub staff their hub's,
Sokoni staff all); anything else is a 404, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from sokoni.core.errors import DomainError, NotFound
from sokoni.logistics.models import Run
from sokoni.logistics.runs import (
    hub_day,
    hub_for_staff,
    hub_today,
    hubs_staffed,
    leftover_text,
    run_get_for_user,
    run_stop_lines,
    runs_list_for_user,
    runs_plan,
)

T = TypeVar("T")
# Runs listed on "my runs": from a week back on.
LIST_DAYS_BACK = 7
LIST_MAX = 100
# Seconds the planner searches when hub staff press "Plan again" (they wait for the answer).
PAGE_TIME_LIMIT_S = 5.0


def _visible(load: Callable[[], T]) -> T:
    try:
        return load()
    except NotFound as exc:
        raise Http404 from exc


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise Http404 from exc


@require_http_methods(["GET", "HEAD"])
@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    hubs = [(hub, hub_today(hub)) for hub in hubs_staffed(request.user)]
    since = timezone.localdate() - dt.timedelta(days=LIST_DAYS_BACK)
    runs = list(
        runs_list_for_user(request.user)
        .filter(date__gte=since)
        .order_by("date", "hub__name", "vehicle__name")[:LIST_MAX]
    )
    return render(
        request,
        "logistics/run_list.html",
        {
            "runs": runs,
            "hubs": [(hub, today, today + dt.timedelta(days=1)) for hub, today in hubs],
        },
    )


@require_http_methods(["GET", "HEAD"])
@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible(lambda: run_get_for_user(request.user, pk))
    return render(
        request,
        "logistics/run_detail.html",
        {"run": run, "stops": run_stop_lines(run), "sees_hub": _sees_hub(request, run)},
    )


@require_http_methods(["GET", "HEAD"])
@login_required
def run_manifest(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible(lambda: run_get_for_user(request.user, pk))
    return render(request, "logistics/manifest.html", {"run": run, "stops": run_stop_lines(run)})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def run_hub_day(request: HttpRequest, hub_code: str, day: str) -> HttpResponse:
    hub = _visible(lambda: hub_for_staff(request.user, hub_code))
    date = _day(day)
    may_plan = hub.is_active and date >= hub_today(hub)
    if request.method == "POST":
        if not may_plan:
            messages.error(request, _("Only today and later days of an open hub can be planned."))
        else:
            try:
                result = runs_plan(hub=hub, day=date, time_limit_s=PAGE_TIME_LIMIT_S)
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Planned again: %(runs)d run, %(parcels)d parcel(s), "
                        "%(left)d left for another day.",
                        "Planned again: %(runs)d runs, %(parcels)d parcel(s), "
                        "%(left)d left for another day.",
                        len(result.runs),
                    )
                    % {
                        "runs": len(result.runs),
                        "parcels": result.parcels_planned,
                        "left": len(result.leftovers),
                    },
                )
        return redirect("runs:hub_day", hub_code=hub.code, day=date.isoformat())
    data = hub_day(hub, date)
    return render(
        request,
        "logistics/run_hub_day.html",
        {
            "data": data,
            "leftovers": [(row, leftover_text(row.reason, row.detail)) for row in data.leftovers],
            "may_plan": may_plan,
            "previous": date - dt.timedelta(days=1),
            "next": date + dt.timedelta(days=1),
        },
    )


def _sees_hub(request: HttpRequest, run: Run) -> bool:
    try:
        hub_for_staff(request.user, run.hub.code)
    except NotFound:
        return False
    return True
