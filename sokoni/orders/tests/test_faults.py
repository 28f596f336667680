"""Fault injection: an exception at any step of checkout, payment, release, refund, share,
expiry or payout leaves no partial state (stock, orders, events, ledger, payments as before),
and the same operation afterwards succeeds as if nothing had happened."""

import pkgutil
from unittest import mock

import pytest

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.core.money import Money
from sokoni.orders.services.cart import cart_add
from sokoni.orders.services.checkout import (
    checkout_cancel,
    checkout_expire,
    checkout_pay,
    checkout_place,
)
from sokoni.orders.services.lifecycle import (
    dispute_decide,
    dispute_refund_by_seller,
    order_auto_release,
    order_cancel,
    order_confirm_receipt,
)
from sokoni.orders.tests.factories import (
    PAYS,
    delivered_order,
    delivery,
    disputed_order,
    later,
    paid_order,
    place,
    shipped_order,
    world,
)
from sokoni.payments.models import SandboxTransaction
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.services.intents import payment_refresh
from sokoni.payments.services.payouts import payout_request, payout_send, payout_settle
from sokoni.payments.states import PaymentMethod

pytestmark = pytest.mark.django_db


class Boom(Exception):
    """The injected fault."""


def failing(target, on_call=1, *, after=False):
    """Patch ``target`` so that its ``on_call``-th call raises ``Boom`` (earlier calls run
    normally); with ``after``, that call does its work first and then raises."""
    original = pkgutil.resolve_name(target)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] < on_call:
            return original(*args, **kwargs)
        if after:
            original(*args, **kwargs)
        raise Boom(target)

    return mock.patch(target, new=wrapper)


# -- the operations ------------------------------------------------------------------------------


def _checkout(tasks):
    buyer = UserFactory()
    products = [ProductFactory(stock=5), ProductFactory(stock=5)]
    for product in products:
        cart_add(user=buyer, product_id=product.pk, quantity=2)
    items = [(product.pk, 2) for product in products]
    return lambda: checkout_place(buyer=buyer, items=items, currency="KES", delivery=delivery())


def _pay(tasks):
    """A two-shop checkout whose mobile-money payment the provider has confirmed."""
    checkout = place(lines=[(ProductFactory(), 1), (ProductFactory(), 2)])
    intent = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.MOBILE_MONEY, phone=PAYS
    )
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(state="succeeded")
    return lambda: payment_refresh(intent_id=intent.pk)


def _late_payment(tasks):
    """A payment the provider confirms after its checkout was cancelled (to be refunded)."""
    checkout = place()
    intent = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.MOBILE_MONEY, phone=PAYS
    )
    checkout_cancel(checkout=checkout, actor=checkout.buyer, reason="changed my mind")
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(state="succeeded")
    return lambda: payment_refresh(intent_id=intent.pk)


def _expire(tasks):
    checkout = place(lines=[(ProductFactory(), 1), (ProductFactory(), 2)])
    return lambda: checkout_expire(checkout_id=checkout.pk, now=later(minutes=31))


def _confirm(tasks):
    order = shipped_order(tasks)
    return lambda: order_confirm_receipt(order=order, actor=order.buyer)


def _auto_release(tasks):
    order = delivered_order(tasks)
    return lambda: order_auto_release(order_id=order.pk, now=later(days=11))


def _refund(tasks):
    order = paid_order(tasks)
    return lambda: order_cancel(order=order, actor=order.buyer)


def _dispute_release(tasks):
    order, staff = disputed_order(tasks), StaffFactory()
    return lambda: dispute_decide(order=order, actor=staff, decision="release", note="ok")


def _dispute_refund(tasks):
    order = disputed_order(tasks, shipped=False)
    return lambda: dispute_refund_by_seller(order=order, actor=order.shop.owner)


def _split(tasks):
    order, staff = disputed_order(tasks), StaffFactory()
    return lambda: dispute_decide(
        order=order, actor=staff, decision="split", note="half", buyer_share_minor=100_000
    )


def _payout_request(tasks):
    order = shipped_order(tasks)
    order_confirm_receipt(order=order, actor=order.buyer)
    owner = order.shop.owner
    return lambda: payout_request(owner=owner, amount=Money(100_000, "KES"), phone=PAYS)


def _payout_send(tasks):
    order = shipped_order(tasks)
    order_confirm_receipt(order=order, actor=order.buyer)
    payout = payout_request(owner=order.shop.owner, amount=Money(100_000, "KES"), phone=PAYS)

    def retry():
        # The provider was paid before the fault: the claimed payout is never sent again; the
        # provider's answer is recorded by reconciliation instead.
        assert payout_send(payout_id=payout.pk).status == "requested"
        return payout_settle(payout_id=payout.pk, ok=True, provider_ref="SBP-RECONCILED")

    return lambda: payout_send(payout_id=payout.pk), retry


CHECKOUT = "sokoni.orders.services.checkout"
LIFECYCLE = "sokoni.orders.services.lifecycle"
ESCROW = "sokoni.orders.services.escrow"
POSTING_SAVE = "sokoni.payments.models.Posting.save"
ACCOUNT = "sokoni.payments.services.ledger.account_ensure"

FAULTS = [
    # checkout
    (_checkout, "after reserving the first product", f"{CHECKOUT}._reserve", 2, False),
    (_checkout, "after reserving everything", f"{CHECKOUT}._reserve", 2, True),
    (_checkout, "after the Checkout row", f"{CHECKOUT}._order_for_shop", 1, False),
    (_checkout, "after the first order", f"{CHECKOUT}._order_for_shop", 2, False),
    (_checkout, "at the second exchange rate", f"{CHECKOUT}.fx_convert", 2, False),
    (
        _checkout,
        "after an order, before its lines",
        "sokoni.orders.models.OrderLine.objects.bulk_create",
        1,
        False,
    ),
    (_checkout, "after the lines, at the event", f"{CHECKOUT}.order_event", 1, False),
    (_checkout, "inside cart clearing", f"{CHECKOUT}.cart_clear_products", 1, True),
    (_checkout, "at task deferral", f"{CHECKOUT}.defer", 1, False),
    # paying
    (_pay, "before the hold", f"{CHECKOUT}.journal_post", 1, False),
    (_pay, "inside the hold, after a posting", POSTING_SAVE, 2, False),
    (_pay, "after the first order is paid", f"{CHECKOUT}.order_move", 2, False),
    (
        _late_payment,
        "between receiving and refunding",
        "sokoni.payments.services.intents.journal_post",
        2,
        False,
    ),
    (_late_payment, "at the refunded status", "sokoni.payments.services.intents._event", 2, False),
    # expiry
    (_expire, "at the second restock", f"{LIFECYCLE}._restock", 2, False),
    (_expire, "at the second cancellation event", f"{LIFECYCLE}.order_event", 2, False),
    # release
    (_confirm, "before the journal", f"{ESCROW}.journal_post", 1, False),
    (_confirm, "inside journal_post after the first posting", POSTING_SAVE, 2, False),
    (_confirm, "at the creation of an account", ACCOUNT, 2, False),
    (_confirm, "at the status move", f"{LIFECYCLE}.order_move", 1, False),
    (_confirm, "at the event, after the status update", f"{LIFECYCLE}.order_event", 1, False),
    (_auto_release, "inside journal_post after the first posting", POSTING_SAVE, 2, False),
    (_auto_release, "at the event, after the status update", f"{LIFECYCLE}.order_event", 1, False),
    (
        _dispute_release,
        "after the decision, before the journal",
        f"{ESCROW}.journal_post",
        1,
        False,
    ),
    # refund
    (_refund, "before the journal", f"{ESCROW}.journal_post", 1, False),
    (_refund, "inside journal_post after the first posting", POSTING_SAVE, 2, False),
    (_refund, "at the event, after the status update", f"{LIFECYCLE}.order_event", 1, False),
    (_refund, "after the restock", f"{LIFECYCLE}._restock", 1, True),
    (_dispute_refund, "after the restock", f"{LIFECYCLE}._restock", 1, True),
    # share
    (_split, "after the decision", f"{LIFECYCLE}._decide", 1, True),
    (_split, "inside journal_post after two postings", POSTING_SAVE, 3, False),
    (_split, "at the status move", f"{LIFECYCLE}.order_move", 1, False),
    # payouts
    (_payout_request, "inside journal_post after the first posting", POSTING_SAVE, 2, False),
    (_payout_request, "at task deferral", "sokoni.payments.services.payouts.defer", 1, False),
    (
        _payout_send,
        "at the payout event",
        "sokoni.payments.models.PayoutEvent.objects.create",
        1,
        False,
    ),
]


@pytest.mark.parametrize(
    ("setup", "where", "target", "on_call", "after"),
    FAULTS,
    ids=[f"{setup.__name__[1:]}: {where}" for setup, where, *_ in FAULTS],
)
def test_a_fault_leaves_nothing_half_done(tasks, setup, where, target, on_call, after):
    """The fault propagates, everything is as before, and a retry then succeeds cleanly
    (a payout the provider already sent is reconciled rather than sent again)."""
    # given
    act = setup(tasks)
    act, retry = act if isinstance(act, tuple) else (act, act)
    before = world()
    # when
    with failing(target, on_call, after=after), pytest.raises(Boom):
        act()
    # then
    assert world() == before
    assert ledger_problems() == []
    retry()
    assert world() != before
    assert ledger_problems() == []
