"""Races with real threads, each on its own PostgreSQL connection: stock, escrow releases,
duplicate callbacks and cancellations racing payments never oversell nor move money twice."""

from unittest import mock

import pytest
from django.db import connection

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.core.money import Money
from sokoni.core.tests.races import race
from sokoni.orders.errors import NotEnoughStock, TransitionNotAllowed
from sokoni.orders.models import Order
from sokoni.orders.services.checkout import checkout_cancel, checkout_pay, checkout_place
from sokoni.orders.services.lifecycle import order_auto_release, order_confirm_receipt
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import PAYS, balance, delivery, later, place, shipped_order
from sokoni.payments.codes import wallet_of
from sokoni.payments.gateways.base import webhook_secret
from sokoni.payments.gateways.sandbox import SandboxPayout, callback_body
from sokoni.payments.models import (
    JournalTransaction,
    PaymentIntent,
    SandboxTransaction,
    WebhookReceipt,
)
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.services.intents import payment_refresh
from sokoni.payments.services.payouts import payout_request, payout_send
from sokoni.payments.services.webhooks import webhook_receive
from sokoni.payments.signatures import sign
from sokoni.payments.states import PaymentMethod, PaymentStatus, PayoutStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")


def test_twenty_buyers_racing_for_the_last_three_units_get_three_orders(tasks):
    """Exactly three checkouts; the others are told it sold out; the stock ends at 0."""
    # given
    product = ProductFactory(stock=3)
    buyers = UserFactory.create_batch(20)

    def buy(buyer):
        return lambda: checkout_place(
            buyer=buyer, items=[(product.pk, 1)], currency="KES", delivery=delivery()
        )

    # when
    outcomes = race(*(buy(buyer) for buyer in buyers))
    # then
    product.refresh_from_db()
    sold_out = [o for o in outcomes if isinstance(o, NotEnoughStock)]
    assert len(sold_out) == 17
    assert len(outcomes) - len(sold_out) == 3
    assert Order.objects.count() == 3
    assert product.stock == 0


def test_buyers_taking_two_products_in_opposite_orders_never_deadlock(tasks):
    """Reservations go in product order, so crossing baskets neither deadlock nor oversell."""
    # given
    first, second = ProductFactory(stock=5), ProductFactory(stock=5)
    buyers = UserFactory.create_batch(12)

    def buy(number, buyer):
        items = [(first.pk, 1), (second.pk, 1)]
        items = items if number % 2 else items[::-1]
        return lambda: checkout_place(buyer=buyer, items=items, currency="KES", delivery=delivery())

    # when
    outcomes = race(*(buy(n, buyer) for n, buyer in enumerate(buyers)))
    # then
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(error, NotEnoughStock) for error in errors)
    assert len(errors) == 7
    assert sorted(Product.objects.values_list("stock", flat=True)) == [0, 0]


def test_confirming_receipt_racing_the_auto_release_releases_once(tasks):
    """Buyer and task both try; the escrow is released exactly once, by one of them."""
    for _round in range(3):
        # given
        order = shipped_order(tasks)
        moment = later(days=11)
        # when
        outcomes = race(
            lambda order=order: order_confirm_receipt(order=order, actor=order.buyer),
            lambda order=order, moment=moment: order_auto_release(order_id=order.pk, now=moment),
        )
        # then
        order.refresh_from_db()
        confirm, auto = outcomes
        assert order.status == OrderStatus.COMPLETED
        assert not isinstance(auto, Exception)
        assert isinstance(confirm, Order | TransitionNotAllowed)
        assert (
            JournalTransaction.objects.filter(idempotency_key=f"order:{order.pk}:release").count()
            == 1
        )
        assert balance(wallet_of(order.shop.owner_id)) == 237_500
        assert order.events.filter(to_status=OrderStatus.COMPLETED).count() == 1
    assert ledger_problems() == []


def _approved(checkout):
    """A mobile-money payment the payer approved, callbacks not yet delivered."""
    intent = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.MOBILE_MONEY, phone=PAYS
    )
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(state="succeeded")
    return intent


def test_duplicate_callbacks_racing_hold_the_money_once(tasks):
    """Five copies of one signed callback at once: one hold, one receipt, the rest duplicates."""
    # given
    checkout = place()
    intent = _approved(checkout)
    body = callback_body(intent.provider_ref, "EV-RACE")
    header = sign(body=body, secret=webhook_secret("sandbox-mobile"))

    def deliver():
        return webhook_receive(provider="sandbox-mobile", signature=header, body=body)

    # when
    outcomes = race(*([deliver] * 5))
    # then
    assert set(outcomes) <= {"succeeded", "duplicate"}
    assert "succeeded" in outcomes
    assert JournalTransaction.objects.filter(reference=intent.reference).count() == 1
    assert WebhookReceipt.objects.count() == 1
    assert balance("clearing:sandbox-mobile") == -250_000
    assert checkout.orders.get().status == OrderStatus.PAID
    assert ledger_problems() == []


def test_a_cancellation_racing_a_payment_ends_paid_or_cancelled_and_refunded(tasks):
    """Whichever wins, no money is lost or kept twice and the stock follows the orders."""
    seen = set()
    for _round in range(4):
        # given
        product = ProductFactory(stock=10)
        checkout = place(lines=[(product, 2)])
        intent = _approved(checkout)
        # when
        outcomes = race(
            lambda c=checkout: checkout_cancel(checkout=c, actor=c.buyer, reason="race"),
            lambda i=intent: payment_refresh(intent_id=i.pk),
        )
        # then
        assert not any(isinstance(o, Exception) for o in outcomes), outcomes
        intent.refresh_from_db()
        product.refresh_from_db()
        status = checkout.orders.get().status
        seen.add(status)
        if status == OrderStatus.PAID:
            assert intent.status == PaymentStatus.SUCCEEDED
            assert product.stock == 8
        else:
            assert status == OrderStatus.CANCELLED
            assert intent.status == PaymentStatus.REFUNDED
            assert balance(f"escrow:payment:{intent.reference}") == 0
            assert product.stock == 10
        assert ledger_problems() == []
    assert seen <= {OrderStatus.PAID, OrderStatus.CANCELLED}
    assert PaymentIntent.objects.filter(status=PaymentStatus.PENDING).count() == 0


def test_a_payout_sent_by_several_workers_at_once_reaches_the_provider_once(tasks):
    """Five workers run the same payout task together: one provider call, one journal."""
    # given
    order = shipped_order(tasks)
    order_confirm_receipt(order=order, actor=order.buyer)
    payout = payout_request(owner=order.shop.owner, amount=Money(100_000, "KES"), phone=PAYS)
    calls = []
    original = SandboxPayout.send

    def provider(self, sent):
        calls.append(sent.pk)
        return original(self, sent)

    # when
    with mock.patch.object(SandboxPayout, "send", provider):
        outcomes = race(*([lambda: payout_send(payout_id=payout.pk)] * 5))
    # then
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert calls == [payout.pk]
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert balance("clearing:sandbox-payout") == 100_000
    assert balance(wallet_of(order.shop.owner_id)) == 137_500
    assert ledger_problems() == []


def test_two_payments_started_at_once_make_one_charge(tasks):
    """A double click (or two devices) paying one checkout by card: one payment, one charge."""
    # given
    checkout = place()

    def pay_by_card():
        return checkout_pay(
            checkout=checkout,
            actor=checkout.buyer,
            method=PaymentMethod.CARD,
            card_number="4242424242424242",
        )

    # when
    outcomes = race(*(pay_by_card for _ in range(6)))
    # then
    intents = PaymentIntent.objects.filter(purpose="checkout", purpose_id=checkout.pk)
    assert intents.count() == 1
    assert intents.get().status == PaymentStatus.SUCCEEDED
    assert SandboxTransaction.objects.count() == 1
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 5
    assert {type(o).__name__ for o in refused} <= {"PaymentInProgress", "CheckoutNotPayable"}
    assert set(checkout.orders.values_list("status", flat=True)) == {OrderStatus.PAID}
    assert ledger_problems() == []
