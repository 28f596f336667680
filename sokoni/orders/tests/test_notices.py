"""Text messages on the order events that matter, in each person's language, queued once."""

import pytest

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.messaging.models import OutboundSms
from sokoni.orders.services.lifecycle import (
    order_confirm_receipt,
    order_dispute_open,
    order_ship,
)
from sokoni.orders.tests.factories import paid_order, place

pytestmark = pytest.mark.django_db


def texts_to(user):
    return list(
        OutboundSms.objects.filter(to=user.phone).order_by("pk").values_list("body", flat=True)
    )


def test_paying_tells_the_buyer_and_the_seller(tasks):
    """Buyer: the money is held; seller: a paid order to send. One message each."""
    # given
    buyer = UserFactory(language="en")
    seller = UserFactory(language="sw")
    product = ProductFactory(shop=ShopFactory(owner=seller), price_minor=125_000)
    # when
    order = paid_order(tasks, buyer=buyer, lines=[(product, 2)])
    # then
    assert texts_to(buyer) == [
        f"Sokoni: we received KES2,500.00 for order {order.number}. We hold the money until "
        "you confirm you received the goods."
    ]
    [to_seller] = texts_to(seller)
    assert order.number in to_seller
    assert "new paid order" not in to_seller  # written in Swahili


def test_shipping_releasing_and_disputes_are_told(tasks):
    # given
    order = paid_order(tasks)
    buyer, seller = order.buyer, order.shop.owner
    # when
    order_ship(order=order, actor=seller, tracking_ref="G4S-1")
    order_confirm_receipt(order=order, actor=buyer)
    # then
    assert f"order {order.number} is on its way (tracking G4S-1)" in texts_to(buyer)[-1]
    assert texts_to(seller)[-1] == (
        f"Sokoni: KES2,375.00 for order {order.number} is now in your wallet."
    )


def test_a_dispute_tells_the_seller(tasks):
    # given
    order = paid_order(tasks)
    # when
    order_dispute_open(order=order, actor=order.buyer, reason="damaged", details="Broken jar")
    # then
    assert "opened a dispute" in texts_to(order.shop.owner)[-1]


def test_nothing_is_sent_before_payment():
    # when
    place()
    # then
    assert OutboundSms.objects.count() == 0
