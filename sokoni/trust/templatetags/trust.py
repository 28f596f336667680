"""Template helpers for reviews: the stars drawn, and the buyer's review forms on an order
(the orders app cannot import trust, so its page asks through this tag)."""

from __future__ import annotations

from typing import Any

from django import template

from sokoni.orders.models import Order
from sokoni.trust.reputation import MAX_STARS
from sokoni.trust.selectors import LineReview, review_lines_for_buyer

register = template.Library()


@register.filter
def stars(rating: int) -> str:
    """Draw a rating as five stars, filled and empty: 4 -> "★★★★☆" (hide it from readers)."""
    filled = max(0, min(MAX_STARS, int(rating)))
    return "★" * filled + "☆" * (MAX_STARS - filled)


@register.simple_tag
def review_lines(order: Order, user: Any) -> list[LineReview]:
    """The order's lines with the buyer's reviews, when the user may review them."""
    if not getattr(user, "is_authenticated", False):
        return []
    return review_lines_for_buyer(order, user.pk)
