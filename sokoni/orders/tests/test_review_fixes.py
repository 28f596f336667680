"""Edges found in review: orders too small to pay, refunds shown in the
currency paid, cash taken for an order cancelled meanwhile, API replays after a centre closed."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.orders.errors import AmountTooSmall
from sokoni.orders.models import Checkout, Order
from sokoni.orders.services.checkout import checkout_cancel, checkout_pay
from sokoni.orders.services.lifecycle import order_cancel
from sokoni.orders.tests.factories import pay, place
from sokoni.payments.models import FxRate
from sokoni.payments.services import intents
from sokoni.payments.states import PaymentMethod, PaymentStatus
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db


def test_an_order_worth_less_than_half_a_cent_is_refused():
    """10 UGX is 0.27 US cents: it would be paid with nothing, so the checkout is refused."""
    # given
    FxRate.objects.create(
        base="UGX", quote="USD", rate=Decimal("0.00027"), source="test", as_of=date(2026, 11, 27)
    )
    product = ProductFactory(shop=ShopFactory(currency="UGX"), price_minor=10, stock=5)
    before = (Checkout.objects.count(), Order.objects.count())
    # when
    with pytest.raises(AmountTooSmall) as refused:
        place(lines=[(product, 1)], currency="USD")
    # then
    assert refused.value.code == "orders.amount_too_small"
    assert (Checkout.objects.count(), Order.objects.count()) == before
    product.refresh_from_db()
    assert product.stock == 5


def test_a_refund_is_shown_in_the_currency_the_buyer_paid(client, tasks):
    """A KES order paid in USD and cancelled: the page shows the dollars that went back."""
    # given
    FxRate.objects.create(
        base="KES", quote="USD", rate=Decimal("0.0077"), source="ECB", as_of=date(2026, 11, 27)
    )
    product = ProductFactory(price_minor=125_000)
    checkout = place(lines=[(product, 2)], currency="USD")
    pay(checkout, tasks)
    order = checkout.orders.get()
    order_cancel(order=order, actor=order.buyer)
    client.force_login(order.buyer)
    # when
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    # then
    assert "Refunded: $19.25 went back to where you paid from." in page


def test_cash_taken_for_an_order_cancelled_meanwhile_says_to_give_it_back(client, tasks):
    """The buyer cancels while the operator confirms the cash: the payment is refunded at once
    and the operator is told to give the cash back, not that the order is paid."""
    # given
    centre = ServiceCentreFactory()
    checkout = place()
    intent = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.CASH, centre_id=centre.pk
    )
    client.force_login(centre.operator)
    real_succeed = intents.payment_succeed

    def cancelled_first(**kwargs):
        checkout_cancel(checkout=checkout, actor=checkout.buyer, reason="changed my mind")
        return real_succeed(**kwargs)

    # when
    with mock.patch.object(intents, "payment_succeed", cancelled_first):
        response = client.post(
            reverse("orders:agent_cash"),
            {"reference": intent.reference, "amount": "2500"},
            follow=True,
        )
    # then
    intent.refresh_from_db()
    assert intent.status == PaymentStatus.REFUNDED
    page = response.content.decode()
    assert "Give the KES2,500.00 back to the buyer." in page
    assert "The order is paid" not in page
