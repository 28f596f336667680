"""Template helpers: money in the reader's locale, photo URLs, numbers."""

from __future__ import annotations

from django import template
from django.utils import translation

from sokoni.core.images import photo_srcset, photo_url
from sokoni.core.money import babel_locale, format_money

register = template.Library()


@register.simple_tag
def money(minor: int | None, currency: str) -> str:
    """Format minor units in the reader's language: {% money p.price_minor p.currency %}."""
    if minor is None:
        return ""
    return format_money(int(minor), currency, translation.get_language() or "en")


@register.simple_tag
def photo(key: str | None, size: int = 480) -> str:
    """Return the URL of one rendition of a stored photo."""
    return photo_url(key, size) if key else ""


@register.simple_tag
def srcset(key: str | None, width: int = 0, height: int = 0) -> str:
    """Return an <img srcset> of every rendition of a stored photo."""
    return photo_srcset(key, width, height) if key else ""


@register.filter
def localnumber(value: int | float | None) -> str:
    """Format a number with the reader's grouping (12,000 / 12.000 / 12 000)."""
    from babel.numbers import format_decimal

    if value is None:
        return ""
    return str(format_decimal(value, locale=babel_locale(translation.get_language() or "en")))
