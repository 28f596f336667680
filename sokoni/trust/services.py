"""Writing reviews: only the buyer of a completed order line, once, within REVIEW_WINDOW_DAYS;
edits keep the earlier version; the shop replies once, in public."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.core.errors import NotFound
from sokoni.core.images import StoredPhoto, check_photos, discard_photos, store_photos
from sokoni.core.text import has_hidden_characters
from sokoni.orders.models import Order, OrderLine
from sokoni.orders.states import OrderStatus
from sokoni.trust.errors import (
    AlreadyReplied,
    AlreadyReported,
    AlreadyReviewed,
    NotReviewable,
    ReportDecided,
    ReportInvalid,
    ReviewInvalid,
)
from sokoni.trust.models import (
    MAX_PHOTOS,
    MAX_TEXT,
    ExtortionReport,
    Message,
    Review,
    ReviewReply,
    ReviewRevision,
)
from sokoni.trust.selectors import ratings_changed
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


def _too_many_photos() -> ReviewInvalid:
    return ReviewInvalid(
        _("A review has at most %(n)s photos.") % {"n": MAX_PHOTOS}, field="photos"
    )


def _photos_checked(photos: Sequence[bytes], already: int = 0) -> None:
    """Refuse too many photos in all, or any bad one, before anything is stored."""
    if already + len(photos) > MAX_PHOTOS:
        raise _too_many_photos()
    try:
        check_photos(photos, MAX_PHOTOS)
    except ValidationError as error:
        raise ReviewInvalid(error.messages[0], field="photos") from error


def _stored(photos: Sequence[bytes], folder: str) -> list[StoredPhoto]:
    try:
        return store_photos(photos, folder, MAX_PHOTOS)
    except ValidationError as error:
        raise ReviewInvalid(error.messages[0], field="photos") from error


def _photo_values(stored: Sequence[StoredPhoto]) -> list[dict[str, object]]:
    return [{"key": p.key, "width": p.width, "height": p.height} for p in stored]


def review_create(
    *,
    buyer: User,
    line_id: int,
    rating: object,
    text: object,
    photos: Sequence[bytes] = (),
    now: datetime | None = None,
) -> Review:
    """The buyer reviews one line of an order they received (completed), once, with up to
    MAX_PHOTOS photos. Nothing is stored when anything is refused."""
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
    _photos_checked(photos)
    if Review.objects.filter(line=line).exists():
        raise AlreadyReviewed(field="line")
    stored = _stored(photos, f"reviews/{order.shop_id}")
    try:
        with transaction.atomic():
            transaction.on_commit(ratings_changed)
            return Review.objects.create(
                line=line,
                order=order,
                shop=order.shop,
                product_id=line.product_id,
                author=buyer,
                rating=stars,
                text=words,
                photos=_photo_values(stored),
                # A buyer the shop reported for extortion is not published until staff decide.
                status=ReviewStatus.HELD
                if buyer_reported_by_shop(shop_id=order.shop_id, buyer_id=buyer.pk)
                else ReviewStatus.PUBLISHED,
            )
    except IntegrityError as error:
        discard_photos(stored)
        raise AlreadyReviewed(field="line") from error
    except BaseException:
        discard_photos(stored)
        raise


def review_edit(
    *,
    author: User,
    review_id: int,
    rating: object,
    text: object,
    photos: Sequence[bytes] = (),
    now: datetime | None = None,
) -> Review:
    """The author changes their review within the window and may add photos (up to
    MAX_PHOTOS in all); what it said before is kept."""
    review = Review.objects.select_related("order").filter(pk=review_id, author=author).first()
    if review is None:
        raise NotFound(field="review")
    moment = now or timezone.now()
    if not _window_open(review.order.closed_at, moment):
        raise NotReviewable(field="review")
    stars, words = _rating(rating), _text(text)
    _photos_checked(photos, already=len(review.photos))
    if (stars, words) == (review.rating, review.text) and not photos:
        return review
    stored = _stored(photos, f"reviews/{review.shop_id}")
    try:
        return _edit_locked(review.pk, stars, words, stored, moment)
    except BaseException:
        discard_photos(stored)
        raise


@transaction.atomic
def _edit_locked(
    review_id: int, stars: int, words: str, stored: Sequence[StoredPhoto], moment: datetime
) -> Review:
    review = Review.objects.select_for_update().get(pk=review_id)
    photos = [*review.photos, *_photo_values(stored)]
    if len(photos) > MAX_PHOTOS:  # a concurrent edit added photos meanwhile
        raise _too_many_photos()
    if (stars, words) != (review.rating, review.text):
        ReviewRevision.objects.create(
            review=review,
            rating=review.rating,
            text=review.text,
            written_at=review.edited_at or review.created_at,
        )
        review.rating, review.text, review.edited_at = stars, words, moment
    review.photos = photos
    review.save(update_fields=["rating", "text", "edited_at", "photos"])
    transaction.on_commit(ratings_changed)
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
    *,
    seller: User,
    order_id: int | None = None,
    review_id: int | None = None,
    message_id: int | None = None,
    details: object,
) -> ExtortionReport:
    """The shop's owner reports that the buyer of one of its orders (or the author of one of its
    reviews, or of a message to the shop) demanded money, a refund outside a dispute or free
    goods for a rating. That buyer's reviews of the shop are held from publication and from
    the rating until staff decide."""
    words = _report_text(details)
    review = None
    message = None
    if message_id is not None:
        message = (
            Message.objects.select_related("thread")
            .filter(pk=message_id, thread__shop__owner=seller)
            .exclude(sender=seller)
            .first()
        )
        if message is None:
            raise NotFound(field="message")
        thread = message.thread
        shop_id, buyer_id, order_id = thread.shop_id, thread.buyer_id, thread.order_id
    elif review_id is not None:
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
    if ExtortionReport.objects.filter(
        shop_id=shop_id, buyer_id=buyer_id, status=ReportStatus.OPEN
    ).exists():
        raise AlreadyReported(field="details")
    try:
        with transaction.atomic():
            report = ExtortionReport.objects.create(
                shop_id=shop_id,
                reporter=seller,
                buyer_id=buyer_id,
                order_id=order_id,
                review=review,
                message=message,
                details=words,
            )
    except IntegrityError as error:  # a report made at the same moment
        raise AlreadyReported(field="details") from error
    Review.objects.filter(
        shop_id=shop_id, author_id=buyer_id, status=ReviewStatus.PUBLISHED
    ).update(status=ReviewStatus.HELD)
    transaction.on_commit(ratings_changed)
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
    transaction.on_commit(ratings_changed)  # upheld also weighs the buyer down everywhere
    return report


def _report_text(text: object) -> str:
    try:
        return _text(text)
    except ReviewInvalid as error:
        raise ReportInvalid(field="details") from error
