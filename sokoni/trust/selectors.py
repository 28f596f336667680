"""Reading reviews: a product's or shop's shown rating, and one page of its reviews.

Only published reviews are shown or counted (held and removed ones are not). The rating is
``reputation.reputation`` over them, each weighted by ``reviewer_trust`` from what the platform
saw of the author (completed purchases, account age, reviews written, upheld extortion reports,
and on how many shops they rated 2 stars or more below everyone else); a review whose author
shares the shop owner's phone, a payment number or a delivery address (or sends parcels to the
owner's phone) counts for nothing. Each function is one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from sokoni.core.errors import NotFound
from sokoni.core.text import parse_positive_int
from sokoni.orders.models import Checkout, Order, OrderLine
from sokoni.orders.states import OrderStatus
from sokoni.payments.models import PaymentIntent, Payout
from sokoni.trust.models import (
    ExtortionReport,
    Message,
    MessageAttachment,
    MessageReport,
    Review,
    Thread,
)
from sokoni.trust.reputation import (
    SECONDS_PER_DAY,
    Rating,
    link_keys,
    linked,
    reputation,
    reviewer_trust,
)
from sokoni.trust.states import ReportStatus, ReviewStatus

PER_PAGE: Final = 10
# Nobody reads page 500 of a product's reviews; the offset stays cheap.
MAX_PAGE: Final = 500
STARS: Final = (5, 4, 3, 2, 1)


@dataclass(frozen=True)
class ShownRating:
    """What a page shows: the score, how many reviews it rests on, and the score as text."""

    score: float
    count: int
    shown: str


@dataclass(frozen=True)
class ReviewPage:
    """One page of reviews, newest first (no COUNT query: one row more tells the next page)."""

    reviews: list[Review]
    number: int
    has_next: bool
    rating: int | None

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _count(queryset: QuerySet[Any]) -> Subquery:
    """A correlated COUNT(*) of ``queryset`` as a scalar subquery (no GROUP BY)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def _far_below_consensus(author: OuterRef) -> Subquery:
    """On how many shops the author's published rating is 2 stars or more below the mean of
    the shop's other published reviews (a scalar subquery)."""
    others = (
        Review.objects.filter(shop=OuterRef("shop"), status=ReviewStatus.PUBLISHED)
        .exclude(author=OuterRef("author"))
        .order_by()
        .values("shop")
        .annotate(mean=Avg("rating"))
        .values("mean")[:1]
    )
    return Subquery(
        Review.objects.filter(author=author, status=ReviewStatus.PUBLISHED)
        .annotate(others=Subquery(others, output_field=FloatField()))
        .filter(rating__lte=F("others") - 2)
        .order_by()
        .values("author")
        .annotate(n=Count("shop", distinct=True))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def _rating(reviews: QuerySet[Review], *, now: datetime | None = None) -> ShownRating:
    moment = now or timezone.now()
    published = reviews.filter(status=ReviewStatus.PUBLISHED).order_by()
    if not published.exists():
        # Most products have no review yet: one indexed lookup instead of building the
        # query below, whose many subqueries cost about 20 ms of Python to put together.
        empty = reputation([], now=moment)
        return ShownRating(score=empty.score, count=empty.count, shown=empty.shown)
    author = OuterRef("author")
    owner_phone = OuterRef("shop__owner__phone")
    rows = published.annotate(
        purchases=_count(Order.objects.filter(buyer=author, status=OrderStatus.COMPLETED)),
        written=_count(Review.objects.filter(author=author)),
        harsh=_far_below_consensus(author),
        # Extortion reports staff upheld against the author, at any shop.
        upheld=_count(ExtortionReport.objects.filter(buyer=author, status=ReportStatus.UPHELD)),
        # Paid with the owner's phone, a number the owner is paid out to or pays from.
        paid_with_owner_number=Exists(
            PaymentIntent.objects.filter(payer=author).filter(
                Q(payer_phone=owner_phone)
                | Q(
                    payer_phone__in=Payout.objects.filter(
                        owner=OuterRef(OuterRef("shop__owner"))
                    ).values("phone")
                )
                | Q(
                    payer_phone__in=PaymentIntent.objects.filter(
                        payer=OuterRef(OuterRef("shop__owner"))
                    )
                    .exclude(payer_phone="")
                    .values("payer_phone")
                )
            )
        ),
        # The owner paid from, or is paid out to, the author's phone.
        owner_uses_author_phone=Exists(
            PaymentIntent.objects.filter(
                payer=OuterRef("shop__owner"), payer_phone=OuterRef("author__phone")
            )
        )
        | Exists(
            Payout.objects.filter(owner=OuterRef("shop__owner"), phone=OuterRef("author__phone"))
        ),
        # Has parcels sent to the owner's phone, or to an address the owner has used.
        shares_delivery=Exists(
            Checkout.objects.filter(buyer=author).filter(
                Q(recipient_phone=owner_phone)
                | Q(
                    address_key__in=Checkout.objects.filter(buyer=OuterRef(OuterRef("shop__owner")))
                    .exclude(address_key="")
                    .values("address_key")
                )
            )
        ),
    ).values_list(
        "rating",
        "created_at",
        "author__phone",
        "author__date_joined",
        "shop__owner__phone",
        "purchases",
        "written",
        "upheld",
        "harsh",
        "paid_with_owner_number",
        "owner_uses_author_phone",
        "shares_delivery",
    )
    ratings = []
    for row in rows:
        stars, at, phone, joined, owner, purchases, written, upheld, harsh, paid, uses, shares = row
        age = max(0.0, (moment - joined).total_seconds() / SECONDS_PER_DAY)
        trust = reviewer_trust(
            completed_purchases=purchases,
            account_age_days=age,
            reviews=written,
            upheld_reports=min(upheld, written) if written else 0,
            far_below_consensus=min(harsh or 0, written),
        )
        same_person = linked(link_keys(phones=[phone]), link_keys(phones=[owner]))
        counts = not (same_person or paid or uses or shares)
        ratings.append(Rating(stars=stars, at=at, reviewer_trust=trust, counts=counts))
    shown = reputation(ratings, now=moment)
    return ShownRating(score=shown.score, count=shown.count, shown=shown.shown)


RATING_VERSION_KEY: Final = "trust:rating-version"


def ratings_changed() -> None:
    """Forget every cached shown rating (a review was written, edited, held, removed or
    published again). Called by the services that do so, after their commit."""
    try:
        cache.incr(RATING_VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new one differs from the old keys
        cache.set(RATING_VERSION_KEY, int(timezone.now().timestamp() * 1000), None)


def _cached_rating(kind: str, pk: int, compute: Callable[[], ShownRating]) -> ShownRating:
    """A shown rating kept for RATING_CACHE_SECONDS: building its query costs more than running
    it, and the product page asks for one on every view. Reviews written, edited, held or
    decided forget them all at once; purchases and payment links count within the TTL."""
    seconds = settings.RATING_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    version = cache.get(RATING_VERSION_KEY)
    if version is None:
        version = int(timezone.now().timestamp() * 1000)
        cache.add(RATING_VERSION_KEY, version, None)
        version = cache.get(RATING_VERSION_KEY, version)
    key = f"trust:rating:{kind}:{pk}:{version}"
    found = cache.get(key)
    if isinstance(found, ShownRating):
        return found
    rating = compute()
    cache.set(key, rating, seconds)
    return rating


def product_rating(product_id: int, *, now: datetime | None = None) -> ShownRating:
    """The product's shown rating over its published reviews (one query, or none when
    recently computed; ``now`` given computes afresh)."""
    compute = partial(_rating, Review.objects.filter(product_id=product_id), now=now)
    return compute() if now is not None else _cached_rating("product", product_id, compute)


def shop_rating(shop_id: int, *, now: datetime | None = None) -> ShownRating:
    """The shop's shown rating over its published reviews (one query, or none when recently
    computed; ``now`` given computes afresh)."""
    compute = partial(_rating, Review.objects.filter(shop_id=shop_id), now=now)
    return compute() if now is not None else _cached_rating("shop", shop_id, compute)


def parse_rating(value: object) -> int | None:
    """A star filter from a query string: 1 to 5, anything else is no filter."""
    if isinstance(value, str) and value.strip() in {"1", "2", "3", "4", "5"}:
        return int(value.strip())
    return None


def parse_page(value: str | None) -> int:
    """A page number from a query string: 1 unless a positive number, at most MAX_PAGE."""
    return parse_positive_int(value, 1, maximum=MAX_PAGE)


def _page(reviews: QuerySet[Review], *, rating: object, page: int) -> ReviewPage:
    stars = parse_rating(rating)
    number = min(max(1, page), MAX_PAGE)
    rows = reviews.filter(status=ReviewStatus.PUBLISHED).select_related("reply", "author")
    if stars is not None:
        rows = rows.filter(rating=stars)
    start = (number - 1) * PER_PAGE
    found = list(rows.order_by("-created_at", "-pk")[start : start + PER_PAGE + 1])
    return ReviewPage(
        reviews=found[:PER_PAGE], number=number, has_next=len(found) > PER_PAGE, rating=stars
    )


def reviews_for_product(product_id: int, *, rating: object = None, page: int = 1) -> ReviewPage:
    """One page of a product's published reviews, newest first, with the shop's reply."""
    return _page(Review.objects.filter(product_id=product_id), rating=rating, page=page)


def reviews_for_shop(shop_id: int, *, rating: object = None, page: int = 1) -> ReviewPage:
    """One page of a shop's published reviews, newest first, with the reply and product."""
    return _page(
        Review.objects.filter(shop_id=shop_id).select_related("product"),
        rating=rating,
        page=page,
    )


@dataclass(frozen=True)
class LineReview:
    """A line of the buyer's order, their review of it if any, and whether they may write."""

    line: OrderLine
    review: Review | None
    open: bool


def review_lines_for_buyer(
    order: Order, buyer_id: int, *, now: datetime | None = None
) -> list[LineReview]:
    """The lines of a completed order with the buyer's review of each; one query, none when
    the order is not completed or not theirs. ``open`` while the review window runs."""
    if order.status != OrderStatus.COMPLETED or order.buyer_id != buyer_id:
        return []
    moment = now or timezone.now()
    days = settings.REVIEW_WINDOW_DAYS
    window = order.closed_at is not None and moment <= order.closed_at + timedelta(days=days)
    lines = OrderLine.objects.filter(order_id=order.pk).select_related("review").order_by("pk")
    rows = [LineReview(line, getattr(line, "review", None), window) for line in lines]
    return rows if window or any(row.review for row in rows) else []


def line_order_id_for_buyer(buyer_id: int, line_id: int) -> int:
    """The order of the buyer's line, for going back to it; NotFound for anyone else's."""
    order_id = (
        OrderLine.objects.filter(pk=line_id, order__buyer_id=buyer_id)
        .values_list("order_id", flat=True)
        .first()
    )
    if order_id is None:
        raise NotFound(field="line")
    return order_id


def review_get_for_author(author_id: int, review_id: int) -> Review:
    """The author's own review; NotFound for anyone else's."""
    review = Review.objects.filter(pk=review_id, author_id=author_id).first()
    if review is None:
        raise NotFound(field="review")
    return review


def review_get_for_shop_owner(owner_id: int, review_id: int) -> Review:
    """A review of the owner's shop, with the shop; NotFound for anyone else."""
    review = (
        Review.objects.select_related("shop").filter(pk=review_id, shop__owner_id=owner_id).first()
    )
    if review is None:
        raise NotFound(field="review")
    return review


def reports_of_seller(seller_id: int) -> list[ExtortionReport]:
    """The extortion reports a seller made, newest first (the buyer shown by name only)."""
    return list(
        ExtortionReport.objects.filter(reporter_id=seller_id)
        .select_related("shop", "buyer", "order")
        .order_by("-reported_at", "-pk")[:100]
    )


# -- messages --------------------------------------------------------------------------------

INBOX_PER_PAGE: Final = 20


@dataclass(frozen=True)
class InboxRow:
    """One thread in a user's inbox: the user's side in it and whether something is unread."""

    thread: Thread
    as_seller: bool
    unread: bool


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _unread(read_at: datetime | None, last: datetime) -> bool:
    return read_at is None or read_at < last


def inbox_for_user(user_id: int, *, page: int = 1) -> InboxPage:
    """The user's threads as a buyer and as a shop owner, newest message first (one query)."""
    number = min(max(1, page), MAX_PAGE)
    start = (number - 1) * INBOX_PER_PAGE
    found = list(
        Thread.objects.filter(Q(buyer_id=user_id) | Q(shop__owner_id=user_id))
        .select_related("shop", "buyer", "product", "order")
        .order_by("-last_message_at", "-pk")[start : start + INBOX_PER_PAGE + 1]
    )
    rows = []
    for thread in found[:INBOX_PER_PAGE]:
        as_seller = thread.buyer_id != user_id
        read_at = thread.seller_read_at if as_seller else thread.buyer_read_at
        rows.append(InboxRow(thread, as_seller, _unread(read_at, thread.last_message_at)))
    return InboxPage(rows=rows, number=number, has_next=len(found) > INBOX_PER_PAGE)


def thread_get_for_participant(user_id: int, thread_id: int) -> Thread:
    """A thread the user is in (its buyer or the shop's owner); NotFound for anyone else."""
    thread = (
        Thread.objects.filter(Q(buyer_id=user_id) | Q(shop__owner_id=user_id), pk=thread_id)
        .select_related("shop", "buyer", "product", "order")
        .first()
    )
    if thread is None:
        raise NotFound(field="thread")
    return thread


@dataclass(frozen=True)
class Post:
    """A message as one reader sees it."""

    message: Message
    mine: bool
    # The other side has read it (shown on the reader's own messages).
    read: bool
    # The reader has reported it already.
    reported: bool


def thread_posts(thread: Thread, reader_id: int | None) -> list[Post]:
    """The thread's messages oldest first, with their photos (two queries). ``reader_id``
    None is staff reading: nothing is theirs, nothing reported by them."""
    rows = (
        Message.objects.filter(thread_id=thread.pk)
        .select_related("sender")
        .prefetch_related("attachments")
        .annotate(
            reported=Exists(
                MessageReport.objects.filter(message=OuterRef("pk"), reporter_id=reader_id or 0)
            )
        )
        .order_by("created_at", "pk")
    )
    seller_id = thread.shop.owner_id
    posts = []
    for message in rows:
        mine = reader_id is not None and message.sender_id == reader_id
        other_read = (
            thread.seller_read_at if message.sender_id != seller_id else thread.buyer_read_at
        )
        read = mine and other_read is not None and other_read >= message.created_at
        posts.append(Post(message, mine, read, bool(message.reported)))
    return posts


def thread_id_for_product(buyer_id: int, product_id: int) -> int | None:
    """The buyer's thread about a product, if they started one."""
    return (
        Thread.objects.filter(buyer_id=buyer_id, product_id=product_id)
        .values_list("pk", flat=True)
        .first()
    )


def thread_id_for_order(order_id: int) -> int | None:
    """The thread about an order, if there is one (the caller checked the order is theirs)."""
    return Thread.objects.filter(order_id=order_id).values_list("pk", flat=True).first()


def order_get_for_participant(user_id: int, order_id: int) -> Order:
    """An order the user bought or sold, with its shop; NotFound for anyone else."""
    order = (
        Order.objects.filter(Q(buyer_id=user_id) | Q(shop__owner_id=user_id), pk=order_id)
        .select_related("shop", "buyer")
        .first()
    )
    if order is None:
        raise NotFound(field="order")
    return order


def message_thread_id_for_participant(user_id: int, message_id: int) -> int:
    """The thread of a message in one of the user's threads; NotFound for anyone else."""
    thread_id = (
        Message.objects.filter(
            Q(thread__buyer_id=user_id) | Q(thread__shop__owner_id=user_id), pk=message_id
        )
        .values_list("thread_id", flat=True)
        .first()
    )
    if thread_id is None:
        raise NotFound(field="message")
    return thread_id


def attachment_get_for_participant(user_id: int, attachment_id: int) -> MessageAttachment:
    """A photo sent in one of the user's threads (as its buyer or the shop's owner); NotFound
    for anyone else (staff read photos through ``messages.attachment_for_staff``)."""
    attachment = MessageAttachment.objects.filter(
        Q(message__thread__buyer_id=user_id) | Q(message__thread__shop__owner_id=user_id),
        pk=attachment_id,
    ).first()
    if attachment is None:
        raise NotFound(field="photo")
    return attachment
