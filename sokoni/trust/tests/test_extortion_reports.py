"""Extortion reports: a seller reports a buyer; that buyer's reviews of the shop are held until
staff decide; upheld removes them and weighs the buyer's reviews down elsewhere; dismissed
publishes them again."""

import pytest

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.core.errors import NotFound
from sokoni.orders.services.lifecycle import order_confirm_receipt
from sokoni.orders.tests.factories import shipped_order
from sokoni.trust.errors import ReportDecided, ReportInvalid
from sokoni.trust.models import ExtortionReport, Review
from sokoni.trust.selectors import shop_rating
from sokoni.trust.services import report_decide, report_extortion, review_create

pytestmark = pytest.mark.django_db


def completed(tasks, **kwargs):
    order = shipped_order(tasks, **kwargs)
    return order_confirm_receipt(order=order, actor=order.buyer)


def one_star(order):
    return review_create(
        buyer=order.buyer, line_id=order.lines.get().pk, rating=1, text="Bad seller."
    )


def test_a_report_holds_the_buyers_review_of_the_shop(tasks):
    # given
    order = completed(tasks)
    review = one_star(order)
    # when
    report = report_extortion(
        seller=order.shop.owner, review_id=review.pk, details="He asked KES 500 for 5 stars."
    )
    # then
    review.refresh_from_db()
    assert report.status == "open"
    assert (report.buyer_id, report.shop_id, report.order_id) == (
        order.buyer_id,
        order.shop_id,
        order.pk,
    )
    assert review.status == "held"
    assert shop_rating(order.shop_id).count == 0


def test_a_review_written_while_a_report_is_open_is_held(tasks):
    order = completed(tasks)
    report_extortion(seller=order.shop.owner, order_id=order.pk, details="Cash or 1 star.")
    review = one_star(order)
    assert review.status == "held"


def test_upheld_removes_the_buyers_reviews_of_the_shop(tasks):
    # given
    order = completed(tasks)
    review = one_star(order)
    report = report_extortion(seller=order.shop.owner, review_id=review.pk, details="Cashback.")
    # when
    report_decide(staff=StaffFactory(), report_id=report.pk, upheld=True, note="Messages show it.")
    # then
    review.refresh_from_db()
    report.refresh_from_db()
    assert (report.status, review.status) == ("upheld", "removed")
    assert report.decided_by is not None


def test_dismissed_publishes_the_review_again(tasks):
    order = completed(tasks)
    review = one_star(order)
    report = report_extortion(seller=order.shop.owner, review_id=review.pk, details="Unfair.")
    report_decide(staff=StaffFactory(), report_id=report.pk, upheld=False, note="No demand.")
    review.refresh_from_db()
    assert review.status == "published"
    assert shop_rating(order.shop_id).count == 1


def test_a_report_is_decided_once_and_only_by_staff(tasks):
    order = completed(tasks)
    report = report_extortion(seller=order.shop.owner, order_id=order.pk, details="Demand.")
    with pytest.raises(NotFound):
        report_decide(staff=order.shop.owner, report_id=report.pk, upheld=True, note="Me")
    staff = StaffFactory()
    report_decide(staff=staff, report_id=report.pk, upheld=True, note="Upheld.")
    with pytest.raises(ReportDecided):
        report_decide(staff=staff, report_id=report.pk, upheld=False, note="Changed mind")
    report.refresh_from_db()
    assert report.status == "upheld"


def test_only_the_shops_owner_can_report_and_details_are_required(tasks):
    order = completed(tasks)
    with pytest.raises(NotFound):
        report_extortion(seller=UserFactory(), order_id=order.pk, details="Not my shop.")
    with pytest.raises(NotFound):
        report_extortion(seller=order.buyer, order_id=order.pk, details="Buyer.")
    with pytest.raises(ReportInvalid):
        report_extortion(seller=order.shop.owner, order_id=order.pk, details="   ")
    with pytest.raises(ReportInvalid):
        report_extortion(seller=order.shop.owner, order_id=order.pk, details="x" * 20_000)
    assert ExtortionReport.objects.count() == 0
    assert Review.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_reports_on_one_buyer_make_one_open_report(tasks):
    """The seller taps Report on the order and on the review at the same moment: one open
    report (the database's partial unique constraint decides), the other is told it exists."""
    from django.db import connection

    from sokoni.orders.tests.test_races import race
    from sokoni.trust.errors import AlreadyReported

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    # given
    order = completed(tasks)
    review = one_star(order)
    seller = order.shop.owner
    # when
    outcomes = race(
        lambda: report_extortion(seller=seller, order_id=order.pk, details="Cash for stars."),
        lambda: report_extortion(seller=seller, review_id=review.pk, details="Same buyer."),
    )
    # then
    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds == sorted(["ExtortionReport", AlreadyReported.__name__]), outcomes
    assert ExtortionReport.objects.filter(status="open").count() == 1
    review.refresh_from_db()
    assert review.status == "held"
