"""Writing reviews: only the buyer of a completed order line, once, within REVIEW_WINDOW_DAYS;
edits keep the earlier version; the shop replies once, in public."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.core.errors import NotFound
from sokoni.core.text import has_hidden_characters
from sokoni.orders.models import Order, OrderLine
from sokoni.orders.states import OrderStatus
from sokoni.trust.errors import (
    AlreadyReplied,
    AlreadyReviewed,
    NotReviewable,
    ReportDecided,
    ReportInvalid,
    ReviewInvalid,
)
from sokoni.trust.models import MAX_TEXT, ExtortionReport, Review, ReviewReply, ReviewRevision
from sokoni.trust.states import ReportStatus, ReviewStatus


def _text(text: object) -> str:
    value = str(text or "").strip()
    if not value or len(value) > MAX_TEXT:
        raise ReviewInvalid(
            _("Write a few words (up to %(limit)s characters).") % {"limit": f"{MAX_TEXT:,}"},
            field="text",
        )
    if has_hidden_characters(value):
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
                # A buyer the shop reported for extortion is not published until staff decide.
                status=ReviewStatus.HELD
                if buyer_reported_by_shop(shop_id=order.shop_id, buyer_id=buyer.pk)
                else ReviewStatus.PUBLISHED,
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


# -- extortion reports -------------------------------------------------------------------------

HOLDING = (ReportStatus.OPEN, ReportStatus.UPHELD)


def buyer_reported_by_shop(*, shop_id: int, buyer_id: int) -> bool:
    """Whether an open or upheld report of this shop names this buyer."""
    return ExtortionReport.objects.filter(
        shop_id=shop_id, buyer_id=buyer_id, status__in=HOLDING
    ).exists()


@transaction.atomic
def report_extortion(
    *, seller: User, order_id: int | None = None, review_id: int | None = None, details: object
) -> ExtortionReport:
    """The shop's owner reports that the buyer of one of its orders (or the author of one of its
    reviews) demanded money, a refund outside a dispute or free goods for a rating. That
    buyer's reviews of the shop are held from publication and from the rating until staff
    decide."""
    words = _report_text(details)
    review = None
    if review_id is not None:
        review = Review.objects.filter(pk=review_id, shop__owner=seller).first()
        if review is None:
            raise NotFound(field="review")
        shop_id, buyer_id, order_id = review.shop_id, review.author_id, review.order_id
    else:
        order = (
            Order.objects.filter(pk=order_id, shop__owner=seller).first()
            if order_id is not None
            else None
        )
        if order is None:
            raise NotFound(field="order")
        shop_id, buyer_id = order.shop_id, order.buyer_id
    report = ExtortionReport.objects.create(
        shop_id=shop_id,
        reporter=seller,
        buyer_id=buyer_id,
        order_id=order_id,
        review=review,
        details=words,
    )
    Review.objects.filter(
        shop_id=shop_id, author_id=buyer_id, status=ReviewStatus.PUBLISHED
    ).update(status=ReviewStatus.HELD)
    return report


@transaction.atomic
def report_decide(*, staff: User, report_id: int, upheld: bool, note: object) -> ExtortionReport:
    """Staff decide a report. Upheld: the buyer's reviews of the shop are removed. Dismissed:
    they are published again, unless another report still holds them."""
    if not staff.is_staff:
        raise NotFound(field="report")
    report = ExtortionReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound(field="report")
    words = _report_text(note)
    status = ReportStatus.UPHELD if upheld else ReportStatus.DISMISSED
    moved = ExtortionReport.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
        status=status, decided_by=staff, decided_at=timezone.now(), decision_note=words
    )
    if moved != 1:
        raise ReportDecided(field="report")
    report.status = status
    reviews = Review.objects.filter(shop_id=report.shop_id, author_id=report.buyer_id)
    if upheld:
        reviews.exclude(status=ReviewStatus.REMOVED).update(status=ReviewStatus.REMOVED)
    elif not buyer_reported_by_shop(shop_id=report.shop_id, buyer_id=report.buyer_id):
        reviews.filter(status=ReviewStatus.HELD).update(status=ReviewStatus.PUBLISHED)
    return report


def _report_text(text: object) -> str:
    try:
        return _text(text)
    except ReviewInvalid as error:
        raise ReportInvalid(field="details") from error
