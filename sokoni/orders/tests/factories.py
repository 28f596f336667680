"""Orders reached through the real services: checkout, sandbox payment, shipping.

Nothing here sets a status by hand (STYLE.md section 7): a "paid order" went through the
checkout and a sandbox mobile-money payment whose callback came through the task queue.
"""

from __future__ import annotations

from django.utils import timezone

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.orders.models import Checkout, Order
from sokoni.orders.services.checkout import Delivery, checkout_pay, checkout_place
from sokoni.orders.services.lifecycle import order_ship
from sokoni.orders.states import DeliveryMethod
from sokoni.payments.states import PaymentMethod

PAYS = "+254712345678"  # the sandbox pays
DECLINES = "+254712340000"  # the sandbox declines
SILENT = "+254712340001"  # the sandbox never answers


def delivery(**overrides) -> Delivery:
    values = {
        "method": DeliveryMethod.ADDRESS,
        "recipient_name": "Grace Wanjiru",
        "recipient_phone": "+254722000111",
        "address": "Box 12, Othaya",
    }
    values.update(overrides)
    return Delivery(**values)


def place(buyer=None, lines=None, currency="KES", **delivery_overrides) -> Checkout:
    """A checkout of ``lines`` [(product, quantity)] (default: one product, 2 units)."""
    buyer = buyer or UserFactory()
    if lines is None:
        lines = [(ProductFactory(), 2)]
    return checkout_place(
        buyer=buyer,
        items=[(product.pk, quantity) for product, quantity in lines],
        currency=currency,
        delivery=delivery(**delivery_overrides),
    )


def pay(checkout: Checkout, tasks, phone: str = PAYS):
    """Pay by sandbox mobile money and let the sandbox's answer and callbacks arrive."""
    intent = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.MOBILE_MONEY, phone=phone
    )
    tasks.run(
        now=timezone.now() + timezone.timedelta(seconds=30),
        only={
            "sandbox_mobile_answer",
            "sandbox_deliver_callback",
        },
    )
    intent.refresh_from_db()
    return intent


def paid_order(tasks, buyer=None, lines=None, **kwargs) -> Order:
    checkout = place(buyer=buyer, lines=lines, **kwargs)
    pay(checkout, tasks)
    return checkout.orders.get()


def shipped_order(tasks, **kwargs) -> Order:
    order = paid_order(tasks, **kwargs)
    return order_ship(order=order, actor=order.shop.owner, tracking_ref="KE-TRACK-1")
