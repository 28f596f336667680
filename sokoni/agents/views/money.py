"""The operator's money: the cash float statement and the daily cash count."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sokoni.agents import selectors, services
from sokoni.agents.forms import CashCountForm, DayForm
from sokoni.agents.selectors import Desk
from sokoni.agents.views.common import operator_page
from sokoni.catalog.forms import apply_domain_error
from sokoni.core.errors import DomainError
from sokoni.core.text import parse_positive_int
from sokoni.payments.selectors import wallet_balances


@require_http_methods(["GET", "HEAD"])
@operator_page
def float_statement(request: HttpRequest, desk: Desk) -> HttpResponse:
    currencies = selectors.float_currencies(desk)
    chosen = request.GET.get("currency", "")
    currency = chosen if chosen in currencies else currencies[0]
    statement = selectors.float_statement(
        desk, currency, parse_positive_int(request.GET.get("page"), 1)
    )
    return render(
        request,
        "agents/float.html",
        {
            "desk": desk,
            "currencies": currencies,
            "currency": currency,
            "statement": statement,
            "query": urlencode({"currency": currency}),
            "wallet": wallet_balances(desk.operator),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_page
def reconcile(request: HttpRequest, desk: Desk) -> HttpResponse:
    """A day's cash per the ledger, the counts recorded for it, and a new count."""
    currencies = selectors.float_currencies(desk)
    pick = DayForm(request.GET if request.GET else None, currencies=currencies)
    day, currency = pick.chosen_day(), pick.chosen_currency()
    count = CashCountForm(
        request.POST if request.method == "POST" else None,
        centres=desk.centres,
        initial={"day": day, "currency": currency},
    )
    if request.method == "POST" and count.is_valid():
        data = count.cleaned_data
        try:
            recorded = services.cash_count_record(
                operator=desk.operator,
                centre_id=count.centre_id(),
                day=data["day"],
                currency=data["currency"],
                counted_minor=data["counted"],
                note=data["note"],
            )
        except DomainError as exc:
            apply_domain_error(count, exc)
        else:
            if recorded.difference_minor:
                messages.warning(request, _("Count saved. It differs from the ledger: see below."))
            else:
                messages.success(request, _("Count saved. It matches the ledger."))
            query = urlencode({"day": recorded.day.isoformat(), "currency": recorded.currency})
            return redirect(f"{reverse('agents:reconcile')}?{query}")
    if count.is_bound:  # show the day and currency the count was for
        day = count.cleaned_data.get("day") or day
        posted = count.cleaned_data.get("currency")
        currency = posted if posted in settings.CURRENCIES else currency
    return render(
        request,
        "agents/reconcile.html",
        {
            "desk": desk,
            "pick": pick,
            "count": count,
            "cash": selectors.cash_day(desk, day, currency),
            "day_label": formats.date_format(day, "DATE_FORMAT"),
        },
    )
