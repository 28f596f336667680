"""The operator's home: their centres, today's numbers, and the way to everything else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from sokoni.agents.forms import PhoneLookupForm
from sokoni.agents.selectors import Desk, desk_counts
from sokoni.agents.views.common import operator_page
from sokoni.payments.selectors import wallet_balances


@require_http_methods(["GET", "HEAD"])
@operator_page
def home(request: HttpRequest, desk: Desk) -> HttpResponse:
    return render(
        request,
        "agents/home.html",
        {
            "desk": desk,
            "counts": desk_counts(desk),
            "wallet": wallet_balances(desk.operator),
            "today": timezone.localdate(),
            "lookup": PhoneLookupForm(centres=desk.centres),
        },
    )
