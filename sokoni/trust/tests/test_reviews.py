"""Reviews: only the buyer of a completed order line, once, within 60 days; edits keep their
history; the shop replies once; bad input is refused with nothing stored."""

from datetime import timedelta

import pytest

from sokoni.accounts.tests.factories import UserFactory
from sokoni.core.errors import NotFound
from sokoni.orders.services.lifecycle import order_confirm_receipt
from sokoni.orders.tests.factories import paid_order, shipped_order
from sokoni.trust.errors import AlreadyReplied, AlreadyReviewed, NotReviewable, ReviewInvalid
from sokoni.trust.models import Review, ReviewReply, ReviewRevision
from sokoni.trust.services import review_create, review_edit, review_reply

pytestmark = pytest.mark.django_db


def completed(tasks):
    order = shipped_order(tasks)
    return order_confirm_receipt(order=order, actor=order.buyer)


def line_of(order):
    return order.lines.get()


def test_the_buyer_of_a_completed_order_reviews_a_line(tasks):
    # given
    order = completed(tasks)
    # when
    review = review_create(
        buyer=order.buyer, line_id=line_of(order).pk, rating=5, text="  Sweet honey, fast!  "
    )
    # then
    assert (review.rating, review.text) == (5, "Sweet honey, fast!")
    assert (review.shop_id, review.product_id, review.author_id) == (
        order.shop_id,
        line_of(order).product_id,
        order.buyer_id,
    )
    assert review.status == "published"


def test_a_buyer_cannot_review_the_same_line_twice(tasks):
    order = completed(tasks)
    review_create(buyer=order.buyer, line_id=line_of(order).pk, rating=4, text="Good.")
    with pytest.raises(AlreadyReviewed):
        review_create(buyer=order.buyer, line_id=line_of(order).pk, rating=1, text="Again.")
    assert Review.objects.count() == 1
    assert Review.objects.get().rating == 4


def test_a_stranger_cannot_review_someone_elses_order(tasks):
    order = completed(tasks)
    with pytest.raises(NotFound):
        review_create(buyer=UserFactory(), line_id=line_of(order).pk, rating=1, text="Bad.")
    with pytest.raises(NotFound):
        review_create(buyer=order.shop.owner, line_id=line_of(order).pk, rating=5, text="Mine!")
    assert Review.objects.count() == 0


@pytest.mark.parametrize("state", ["paid", "shipped"])
def test_an_order_not_completed_cannot_be_reviewed(tasks, state):
    order = paid_order(tasks) if state == "paid" else shipped_order(tasks)
    with pytest.raises(NotReviewable):
        review_create(buyer=order.buyer, line_id=line_of(order).pk, rating=5, text="Early.")
    assert Review.objects.count() == 0


def test_the_window_closes_sixty_days_after_completion(tasks):
    order = completed(tasks)
    line = line_of(order).pk
    late = order.closed_at + timedelta(days=60, seconds=1)
    with pytest.raises(NotReviewable):
        review_create(buyer=order.buyer, line_id=line, rating=5, text="Late.", now=late)
    on_time = order.closed_at + timedelta(days=60)
    assert review_create(buyer=order.buyer, line_id=line, rating=5, text="Ok.", now=on_time)


@pytest.mark.parametrize(
    ("rating", "text", "field"),
    [
        (0, "Fine.", "rating"),
        (6, "Fine.", "rating"),
        ("5", "Fine.", "rating"),
        (True, "Fine.", "rating"),
        (4.5, "Fine.", "rating"),
        (None, "Fine.", "rating"),
        (3, "", "text"),
        (3, "   ", "text"),
        (3, "x" * 20_000, "text"),
        (3, "Good \u202egnirts", "text"),  # a right-to-left override
        (3, "Good\x00", "text"),
    ],
)
def test_bad_ratings_and_texts_are_refused_and_nothing_is_stored(tasks, rating, text, field):
    order = completed(tasks)
    with pytest.raises(ReviewInvalid) as refused:
        review_create(buyer=order.buyer, line_id=line_of(order).pk, rating=rating, text=text)
    assert refused.value.field == field
    assert Review.objects.count() == 0


def test_script_tags_are_kept_as_text(tasks):
    """Stored as typed; templates escape it when shown."""
    order = completed(tasks)
    review = review_create(
        buyer=order.buyer, line_id=line_of(order).pk, rating=2, text="<script>alert(1)</script>"
    )
    assert review.text == "<script>alert(1)</script>"


def test_an_edit_keeps_what_the_review_said_before(tasks):
    # given
    order = completed(tasks)
    review = review_create(buyer=order.buyer, line_id=line_of(order).pk, rating=2, text="Late.")
    # when
    review_edit(author=order.buyer, review_id=review.pk, rating=4, text="Late, but tasty.")
    # then
    review.refresh_from_db()
    assert (review.rating, review.text) == (4, "Late, but tasty.")
    assert review.edited_at is not None
    assert list(ReviewRevision.objects.values_list("rating", "text")) == [(2, "Late.")]


def test_the_seller_cannot_edit_a_buyers_review(tasks):
    order = completed(tasks)
    review = review_create(buyer=order.buyer, line_id=line_of(order).pk, rating=1, text="Bad.")
    with pytest.raises(NotFound):
        review_edit(author=order.shop.owner, review_id=review.pk, rating=5, text="Great!")
    review.refresh_from_db()
    assert (review.rating, review.text) == (1, "Bad.")
    assert ReviewRevision.objects.count() == 0


def test_the_shop_replies_once_in_public(tasks):
    order = completed(tasks)
    review = review_create(buyer=order.buyer, line_id=line_of(order).pk, rating=3, text="Ok.")
    reply = review_reply(seller=order.shop.owner, review_id=review.pk, text="Thank you!")
    assert reply.text == "Thank you!"
    with pytest.raises(AlreadyReplied):
        review_reply(seller=order.shop.owner, review_id=review.pk, text="Again")
    with pytest.raises(NotFound):
        review_reply(seller=order.buyer, review_id=review.pk, text="Me too")
    assert ReviewReply.objects.count() == 1
