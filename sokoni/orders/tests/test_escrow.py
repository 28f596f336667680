"""The orders' money on the ledger: holds, releases, refunds and shares to the minor unit."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sokoni.accounts.tests.factories import StaffFactory
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.orders.models import Order
from sokoni.orders.services.checkout import checkout_pay
from sokoni.orders.services.escrow import commission_of, order_ledger_problems, settle, share
from sokoni.orders.services.lifecycle import dispute_decide, order_cancel, order_confirm_receipt
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import (
    balance,
    disputed_order,
    paid_order,
    pay,
    place,
    shipped_order,
    world,
)
from sokoni.payments.codes import FX, REVENUE_COMMISSION, escrow_for_order, wallet_of
from sokoni.payments.models import AccountKind, FxRate, JournalTransaction
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.services import Line, journal_post
from sokoni.payments.services.intents import payment_confirm_cash
from sokoni.shipping.tests.factories import shop_with_fee
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "numerator", "denominator", "expected"),
    [
        (12_500, 150_000, 250_000, 7_500),
        (12_500, 249_999, 250_000, 12_500),  # 12,499.95 rounds up
        (1, 1, 2, 1),  # a half rounds up
        (1, 1, 3, 0),
        (5, 0, 10, 0),
        (99, 5, 0, 0),
    ],
)
def test_shares_are_rounded_half_up_to_whole_minor_units(amount, numerator, denominator, expected):
    assert share(amount, numerator, denominator) == expected


def test_commission_is_a_rate_in_basis_points():
    assert commission_of(250_000, 500) == 12_500
    assert commission_of(199, 500) == 10  # 9.95
    assert commission_of(250_000, 0) == 0


def test_a_checkout_of_two_shops_fills_two_escrows_from_one_payment(tasks):
    """One payment, one journal transaction, two escrow accounts each holding its order."""
    # given
    a = ProductFactory(price_minor=125_000)
    b = ProductFactory(price_minor=50_000, shop=shop_with_fee(10_000))
    checkout = place(lines=[(a, 2), (b, 1)])
    # when
    intent = pay(checkout, tasks)
    # then
    orders = {o.shop_id: o for o in checkout.orders.all()}
    assert balance(escrow_for_order(orders[a.shop_id].pk)) == 250_000
    assert balance(escrow_for_order(orders[b.shop_id].pk)) == 60_000
    assert balance("clearing:sandbox-mobile") == -310_000
    journal = JournalTransaction.objects.get(reference=intent.reference)
    assert journal.postings.count() == 3
    assert ledger_problems() == []


def test_each_order_of_a_dollar_checkout_is_converted_on_its_own(tasks):
    """Two KES orders paid in USD: each rounded to cents; FX holds the other side."""
    # given
    FxRate.objects.create(
        base="KES", quote="USD", rate=Decimal("0.0077"), source="ECB", as_of=date(2026, 11, 27)
    )
    a = ProductFactory(price_minor=125_000)
    b = ProductFactory(price_minor=100_001)
    checkout = place(lines=[(a, 2), (b, 1)], currency="USD")
    # when
    pay(checkout, tasks)
    # then
    totals = sorted(checkout.orders.values_list("total_minor", "pay_total_minor"))
    assert totals == [(100_001, 770), (250_000, 1_925)]
    assert checkout.total_minor == 2_695
    assert (balance(FX, "USD"), balance(FX, "KES")) == (2_695, -350_001)
    assert balance("clearing:sandbox-mobile", "USD") == -2_695
    assert ledger_problems() == []


def test_a_share_of_a_dollar_order_returns_its_part_of_the_dollars(tasks):
    """100,000 of 250,000 KES back: 2/5 of USD 19.25 = USD 7.70; the seller keeps 3/5."""
    # given
    FxRate.objects.create(
        base="KES", quote="USD", rate=Decimal("0.0077"), source="ECB", as_of=date(2026, 11, 27)
    )
    order = disputed_order(tasks, currency="USD")
    # when
    dispute_decide(
        order=order,
        actor=StaffFactory(),
        decision="split",
        note="half broken",
        buyer_share_minor=100_000,
    )
    # then
    assert balance("clearing:sandbox-mobile", "USD") == -1_155
    assert (balance(FX, "USD"), balance(FX, "KES")) == (1_155, -150_000)
    assert balance(wallet_of(order.shop.owner_id)) == 142_500
    assert balance(REVENUE_COMMISSION) == 7_500
    assert balance(escrow_for_order(order.pk)) == 0
    assert ledger_problems() == []


def test_a_share_of_one_minor_unit_rounds_the_commission_in_the_platforms_favour(tasks):
    # given
    order = disputed_order(tasks)
    # when
    dispute_decide(
        order=order, actor=StaffFactory(), decision="split", note="1", buyer_share_minor=1
    )
    # then
    assert balance(wallet_of(order.shop.owner_id)) == 237_499
    assert balance(REVENUE_COMMISSION) == 12_500
    assert balance("clearing:sandbox-mobile") == -249_999


def test_commission_of_mixed_categories_is_taken_on_release(tasks):
    """10% on one line, 2% on the other: 10,000 + 2,000 to the platform."""
    # given
    shop = ShopFactory()
    high = ProductFactory(
        shop=shop, price_minor=100_000, category=CategoryFactory(commission_bp=1000)
    )
    low = ProductFactory(
        shop=shop, price_minor=100_000, category=CategoryFactory(commission_bp=200)
    )
    order = shipped_order(tasks, lines=[(high, 1), (low, 1)])
    # when
    order_confirm_receipt(order=order, actor=order.buyer)
    # then
    assert balance(REVENUE_COMMISSION) == 12_000
    assert balance(wallet_of(shop.owner_id)) == 188_000


def test_settling_twice_with_the_same_key_moves_the_money_once(tasks):
    # given
    order = paid_order(tasks)
    settle(order, to_buyer=0, key="order-x-release", description="release")
    before = world()
    # when
    settle(order, to_buyer=0, key="order-x-release", description="release")
    # then
    assert world() == before
    assert balance(wallet_of(order.shop.owner_id)) == 237_500


def test_cash_paid_at_a_centre_is_refunded_to_that_operators_float(tasks):
    """The money came from the operator's float; a refund puts it back there."""
    # given
    centre = ServiceCentreFactory()
    checkout = place(method="pickup", service_centre_id=centre.pk)
    intent = checkout_pay(checkout=checkout, actor=checkout.buyer, method="cash")
    payment_confirm_cash(reference=intent.reference, operator=centre.operator, amount_minor=250_000)
    order = checkout.orders.get()
    float_account = f"float:agent:{centre.operator_id}"
    held = balance(float_account)
    # when
    order_cancel(order=order, actor=order.buyer)
    # then
    assert held == -250_000
    assert balance(float_account) == 0
    assert ledger_problems() == []


def test_ledger_check_reports_a_paid_order_whose_escrow_was_emptied(tasks):
    """A (wrong) transaction taking money out of a held escrow is caught, by order number."""
    # given
    order = paid_order(tasks)
    journal_post(
        idempotency_key="wrong",
        lines=[
            Line(escrow_for_order(order.pk), AccountKind.ESCROW, "KES", -1_000),
            Line("clearing:x", AccountKind.CLEARING, "KES", 1_000),
        ],
        description="a mistake",
    )
    # when
    problems = order_ledger_problems()
    # then
    assert problems == [
        f"order SK-{order.pk:06d} is paid: escrow holds 249000 KES, expected 250000"
    ]
    with pytest.raises(CommandError):
        call_command("ledger_check")


def test_ledger_check_reports_money_left_in_a_closed_order(tasks):
    # given
    order = shipped_order(tasks)
    order_confirm_receipt(order=order, actor=order.buyer)
    journal_post(
        idempotency_key="stray",
        lines=[
            Line("clearing:x", AccountKind.CLEARING, "KES", -5),
            Line(escrow_for_order(order.pk), AccountKind.ESCROW, "KES", 5),
        ],
        description="stray money",
    )
    # when / then
    assert order_ledger_problems() == [
        f"order SK-{order.pk:06d} is completed: escrow holds 5 KES, expected 0"
    ]


def test_every_status_leaves_the_escrow_as_ledger_check_expects(tasks):
    """Orders in every status at once: ledger_check is clean."""
    # given
    staff = StaffFactory()
    place()
    paid_order(tasks)
    shipped_order(tasks)
    disputed_order(tasks)
    order_confirm_receipt(order=(done := shipped_order(tasks)), actor=done.buyer)
    dispute_decide(
        order=disputed_order(tasks),
        actor=staff,
        decision="split",
        note="x",
        buyer_share_minor=5,
    )
    # when / then
    assert set(Order.objects.values_list("status", flat=True)) == {
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.PAID,
        OrderStatus.SHIPPED,
        OrderStatus.DISPUTED,
        OrderStatus.COMPLETED,
        OrderStatus.SETTLED,
    }
    call_command("ledger_check")
