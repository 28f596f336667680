"""Small display helpers of the order pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from sokoni.accounts.phones import display_phone
from sokoni.catalog.states import Unit

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
def phone(value: str) -> str:
    """A stored E.164 number as people read it (+254 712 345678)."""
    return display_phone(value) if value else ""
