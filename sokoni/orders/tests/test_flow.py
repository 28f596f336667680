"""The whole escrow flow, end to end, through the services."""

import pytest
from django.core.management import call_command

from sokoni.catalog.tests.factories import ProductFactory
from sokoni.orders.services.lifecycle import order_confirm_receipt
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import pay, place, shipped_order
from sokoni.payments.codes import REVENUE_COMMISSION, escrow_for_order, wallet_of
from sokoni.payments.selectors import account_balance, ledger_problems
from sokoni.payments.states import PaymentStatus

pytestmark = pytest.mark.django_db


def test_paid_order_holds_the_total_in_escrow(tasks):
    """Paying by sandbox mobile money moves the order total into its escrow account."""
    # given
    product = ProductFactory(price_minor=50_000, stock=5)
    checkout = place(lines=[(product, 2)])
    # when
    intent = pay(checkout, tasks)
    # then
    order = checkout.orders.get()
    assert intent.status == PaymentStatus.SUCCEEDED
    assert order.status == OrderStatus.PAID
    assert account_balance(code=escrow_for_order(order.pk), currency="KES") == 100_000
    product.refresh_from_db()
    assert product.stock == 3
    assert ledger_problems() == []


def test_confirming_receipt_releases_less_commission(tasks):
    """The seller's wallet gets the total less 5%; the platform the 5%."""
    # given
    order = shipped_order(tasks)
    # when
    order_confirm_receipt(order=order, actor=order.buyer)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert account_balance(code=wallet_of(order.shop.owner_id), currency="KES") == 237_500
    assert account_balance(code=REVENUE_COMMISSION, currency="KES") == 12_500
    assert account_balance(code=escrow_for_order(order.pk), currency="KES") == 0
    call_command("ledger_check")
