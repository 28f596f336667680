"""The promise-kept report for Sokoni staff, as a page and as a CSV file.

Anyone else gets a 404 from the report's own permission check (``report.delivery_report``);
visitors who are not signed in are sent to log in first.
"""

from __future__ import annotations

import csv
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sokoni.accounts.models import User
from sokoni.core.errors import InvalidInput, NotFound
from sokoni.core.money import currency_exponent
from sokoni.logistics.report import DEFAULT_DAYS, MAX_DAYS, DeliveryReport, delivery_report

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _days(request: HttpRequest) -> int:
    """The ``days`` asked for (the default when none), or -1 for what is not a number (which
    the report refuses, as it refuses numbers out of range)."""
    text = request.GET.get("days", "").strip()
    if not text:
        return DEFAULT_DAYS
    return int(text) if text.isdigit() and len(text) <= 6 else -1


def _report(request: HttpRequest) -> DeliveryReport:
    """The report, or a 404 for anyone but staff; ``InvalidInput`` for a bad period."""
    user = request.user if isinstance(request.user, User) else None
    try:
        return delivery_report(user, days=_days(request))
    except NotFound as exc:
        raise Http404 from exc


@require_http_methods(["GET", "HEAD"])
@login_required
def report(request: HttpRequest) -> HttpResponse:
    days = request.GET.get("days", "").strip()[:10] or str(DEFAULT_DAYS)
    try:
        data = _report(request)
    except InvalidInput as exc:
        context = {"days": days, "error": exc.message, "max_days": MAX_DAYS}
        return render(request, "logistics/report.html", context, status=400)
    return render(
        request,
        "logistics/report.html",
        {"days": data.days, "report": data, "max_days": MAX_DAYS},
    )


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _amount(minor: int, currency: str) -> str:
    return str(Decimal(minor).scaleb(-currency_exponent(currency)))


@require_http_methods(["GET", "HEAD"])
@login_required
def report_csv(request: HttpRequest) -> HttpResponse:
    try:
        data = _report(request)
    except InvalidInput as exc:
        return HttpResponseBadRequest(str(exc.message), content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="delivery-report-{data.until.isoformat()}-{data.days}d.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "zone",
            "carrier",
            "arrived",
            "kept",
            "late",
            "kept_percent",
            "late_percent",
            "overdue",
            *(
                column
                for currency in data.currencies
                for column in (f"parcels_{currency}", f"average_cost_{currency}")
            ),
        ]
    )
    for row in (*data.rows, data.total):
        costs = {cost.currency: cost for cost in row.costs}
        writer.writerow(
            [
                _cell(row.zone),
                _cell(row.carrier),
                row.arrived,
                row.kept,
                row.late,
                "" if row.kept_percent is None else row.kept_percent,
                "" if row.late_percent is None else row.late_percent,
                row.overdue,
                *(
                    value
                    for currency in data.currencies
                    for value in (
                        (costs[currency].parcels, _amount(costs[currency].average_minor, currency))
                        if currency in costs
                        else ("", "")
                    )
                ),
            ]
        )
    return response
