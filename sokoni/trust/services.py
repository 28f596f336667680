"""Writing reviews: only the buyer of a completed order line, once, within REVIEW_WINDOW_DAYS;
edits keep the earlier version; the shop replies once, in public."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.core.errors import NotFound
from sokoni.orders.models import OrderLine
from sokoni.orders.states import OrderStatus
from sokoni.trust.errors import AlreadyReplied, AlreadyReviewed, NotReviewable, ReviewInvalid
from sokoni.trust.models import MAX_TEXT, Review, ReviewReply, ReviewRevision

# Control characters (but tab and newlines) and the bidirectional overrides and isolates that
# can make a text read differently from what it holds.
_HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _text(text: object) -> str:
    value = str(text or "").strip()
    if not value or len(value) > MAX_TEXT:
        raise ReviewInvalid(
            _("Write a few words (up to %(limit)s characters).") % {"limit": f"{MAX_TEXT:,}"},
            field="text",
        )
    if _HIDDEN.search(value):
        raise ReviewInvalid(_("Remove the hidden control characters from the text."), field="text")
    return value


def _rating(rating: object) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ReviewInvalid(_("Choose a rating from 1 to 5 stars."), field="rating")
    return rating


def _window_open(closed_at: datetime | None, now: datetime) -> bool:
    days = settings.REVIEW_WINDOW_DAYS
    return closed_at is not None and now <= closed_at + timedelta(days=days)


@transaction.atomic
def review_create(
    *, buyer: User, line_id: int, rating: object, text: object, now: datetime | None = None
) -> Review:
    """The buyer reviews one line of an order they received (completed), once."""
    line = (
        OrderLine.objects.select_related("order", "order__shop")
        .filter(pk=line_id, order__buyer=buyer)
        .first()
    )
    if line is None:
        raise NotFound(field="line")
    order = line.order
    moment = now or timezone.now()
    if order.status != OrderStatus.COMPLETED or not _window_open(order.closed_at, moment):
        raise NotReviewable(field="line")
    stars, words = _rating(rating), _text(text)
    try:
        with transaction.atomic():
            return Review.objects.create(
                line=line,
                order=order,
                shop=order.shop,
                product_id=line.product_id,
                author=buyer,
                rating=stars,
                text=words,
            )
    except IntegrityError as error:
        raise AlreadyReviewed(field="line") from error


@transaction.atomic
def review_edit(
    *, author: User, review_id: int, rating: object, text: object, now: datetime | None = None
) -> Review:
    """The author changes their review within the window; what it said before is kept."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("order")
        .filter(pk=review_id, author=author)
        .first()
    )
    if review is None:
        raise NotFound(field="review")
    moment = now or timezone.now()
    if not _window_open(review.order.closed_at, moment):
        raise NotReviewable(field="review")
    stars, words = _rating(rating), _text(text)
    if (stars, words) == (review.rating, review.text):
        return review
    ReviewRevision.objects.create(
        review=review,
        rating=review.rating,
        text=review.text,
        written_at=review.edited_at or review.created_at,
    )
    Review.objects.filter(pk=review.pk).update(rating=stars, text=words, edited_at=moment)
    review.rating, review.text, review.edited_at = stars, words, moment
    return review


@transaction.atomic
def review_reply(*, seller: User, review_id: int, text: object) -> ReviewReply:
    """The shop's owner answers a review once, publicly."""
    review = Review.objects.filter(pk=review_id, shop__owner=seller).first()
    if review is None:
        raise NotFound(field="review")
    words = _text(text)
    try:
        with transaction.atomic():
            return ReviewReply.objects.create(review=review, author=seller, text=words)
    except IntegrityError as error:
        raise AlreadyReplied(field="review") from error
