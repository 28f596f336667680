"""Small display helpers of the order pages."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from sokoni.accounts.phones import display_phone
from sokoni.catalog.states import Unit
from sokoni.orders.reasons import reason_label
from sokoni.payments.models import Posting

register = template.Library()


@register.filter
def rate(value: Decimal | None) -> str:
    """An exchange rate with six significant digits and no trailing zeros (0.00712, 140.2)."""
    if value is None:
        return ""
    rounded = Decimal(f"{Decimal(value):.6g}").normalize()
    return f"{rounded:f}"


@register.filter
def unit_label(value: str) -> str:
    """The words for a unit code (kg, piece...)."""
    try:
        return str(Unit(value).label)
    except ValueError:
        return value


@register.filter
def reason(value: str) -> str:
    """A reason the system wrote (in English) in the reader's language; typed text as is."""
    return reason_label(value or "")


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number as people read it (+254 712 345678)."""
    return display_phone(value) if value else ""


MOVEMENT = re.compile(r"^(?P<what>order|payout):(?P<id>\d+):(?P<step>\w+)")


@register.filter
def movement_label(posting: Posting) -> str:
    """A wallet movement in the reader's language, from the journal transaction's key."""
    match = MOVEMENT.match(posting.transaction.idempotency_key)
    if match is None:
        return posting.transaction.description
    pk = int(match["id"])
    number = f"SK-{pk:06d}" if match["what"] == "order" else str(pk)
    labels = {
        ("order", "release"): _("Order %(number)s: money released to you"),
        ("order", "split"): _("Order %(number)s: your share after the dispute"),
        ("payout", "request"): _("Payout %(number)s sent to your phone"),
        ("payout", "returned"): _("Payout %(number)s failed: money returned"),
    }
    label = labels.get((match["what"], match["step"]))
    return label % {"number": number} if label else posting.transaction.description
