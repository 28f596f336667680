"""Prices shown in the reader's own currency too, at the latest exchange rate (an estimate: the
checkout fixes the rate that is actually paid)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from sokoni.core.errors import DomainError
from sokoni.core.money import Money, format_money
from sokoni.payments.fx import fx_convert

register = template.Library()


@register.simple_tag(takes_context=True)
def approx(context: dict[str, Any], minor: int | None, currency: str) -> str:
    """ "about £7.50" in the logged-in reader's preferred currency; empty when it is the same
    currency, or when no exchange rate is known."""
    request = context.get("request")
    user = getattr(request, "user", None)
    wanted = getattr(user, "currency", "") if user is not None and user.is_authenticated else ""
    if minor is None or not wanted or wanted == currency:
        return ""
    try:
        converted = fx_convert(Money(int(minor), currency), wanted).money
    except DomainError:
        return ""
    amount = format_money(converted.minor, wanted, translation.get_language() or "en")
    return _("about %(amount)s") % {"amount": amount}
