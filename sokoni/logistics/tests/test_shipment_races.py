"""Races on PostgreSQL for parcels: two couriers recording the same event at once record it
once and move the order once; a delivery racing a return ends one way only."""

import pytest
from django.db import connection

from sokoni.accounts.tests.factories import UserFactory
from sokoni.logistics.errors import ShipmentMoveNotAllowed
from sokoni.logistics.models import TrackingEvent
from sokoni.logistics.shipments import shipment_record
from sokoni.logistics.states import ShipmentStatus
from sokoni.orders.models import Order, OrderEvent
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import paid_order
from sokoni.orders.tests.test_races import race
from sokoni.payments.selectors import ledger_problems

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")


def _in_transit(tasks):
    order = paid_order(tasks)
    shipment = order.shipment
    courier = UserFactory()
    shipment.legs.first().carrier.staff.add(courier)
    for kind in (ShipmentStatus.PICKED_UP, ShipmentStatus.IN_TRANSIT):
        shipment_record(shipment=shipment, kind=kind, actor=courier, via="web")
    return shipment, courier


def test_three_couriers_scanning_delivered_at_once_deliver_once(tasks):
    # given
    shipment, courier = _in_transit(tasks)

    def deliver():
        return shipment_record(
            shipment=shipment, kind=ShipmentStatus.DELIVERED, actor=courier, via="qr"
        )

    # when
    outcomes = race(deliver, deliver, deliver)
    # then: one event, two "already recorded"
    assert sum(isinstance(o, TrackingEvent) for o in outcomes) == 1
    assert sum(o is None for o in outcomes) == 2
    assert TrackingEvent.objects.filter(shipment=shipment, kind="delivered").count() == 1
    order = Order.objects.get(pk=shipment.order_id)
    assert order.status == OrderStatus.DELIVERED
    assert OrderEvent.objects.filter(order=order, to_status="delivered").count() == 1


def test_a_delivery_racing_a_return_ends_one_way_only(tasks):
    # given
    shipment, courier = _in_transit(tasks)

    # when
    outcomes = race(
        lambda: shipment_record(
            shipment=shipment, kind=ShipmentStatus.DELIVERED, actor=courier, via="web"
        ),
        lambda: shipment_record(
            shipment=shipment, kind=ShipmentStatus.RETURNED, actor=courier, via="sms"
        ),
    )
    # then
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], ShipmentMoveNotAllowed)
    shipment.refresh_from_db()
    order = Order.objects.get(pk=shipment.order_id)
    assert (shipment.status, order.status) in {
        (ShipmentStatus.DELIVERED, OrderStatus.DELIVERED),
        (ShipmentStatus.RETURNED, OrderStatus.REFUNDED),
    }
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 3
    assert ledger_problems() == []
