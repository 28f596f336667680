"""Orders for pickup at a service centre, reached through the real services."""

from __future__ import annotations

from unittest import mock

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.logistics.models import Pickup
from sokoni.logistics.services import pickup_check_in
from sokoni.orders.models import Order
from sokoni.orders.services.checkout import checkout_place
from sokoni.orders.services.lifecycle import order_ship
from sokoni.orders.states import DeliveryMethod
from sokoni.orders.tests.factories import delivery, pay
from sokoni.villages.models import ServiceCentre
from sokoni.villages.tests.factories import ServiceCentreFactory


def shipped_for_pickup(
    tasks, *, centre: ServiceCentre | None = None, assisted: bool = False, buyer=None
) -> Order:
    """A paid order for pickup at ``centre`` (placed by its operator when ``assisted``),
    shipped by the seller."""
    centre = centre or ServiceCentreFactory()
    buyer = buyer or UserFactory()
    checkout = checkout_place(
        buyer=buyer,
        items=[(ProductFactory(price_minor=100_000).pk, 2)],
        currency="KES",
        delivery=delivery(
            method=DeliveryMethod.PICKUP,
            address="",
            service_centre_id=centre.pk,
            recipient_phone=buyer.phone,
        ),
        placed_by=centre.operator if assisted else None,
    )
    pay(checkout, tasks)
    order = checkout.orders.get()
    return order_ship(order=order, actor=order.shop.owner, tracking_ref="KE-TRACK-9")


def checked_in(tasks, code: int = 482_913, **kwargs) -> tuple[Pickup, str]:
    """A parcel checked in at its centre, and its pickup code."""
    order = shipped_for_pickup(tasks, **kwargs)
    operator = order.checkout.service_centre.operator
    with mock.patch("sokoni.logistics.services.secrets.randbelow", return_value=code):
        pickup = pickup_check_in(order_id=order.pk, operator=operator)
    return pickup, f"{code:06d}"
