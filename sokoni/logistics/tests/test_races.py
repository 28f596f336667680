"""Races on PostgreSQL, each side on its own connection: a parcel is handed over once, sent
back or handed over (never both), checked in once; PIN tries are counted under a lock; a USSD
hop sent twice at once orders once; an export is booked, and a poll round polled, once."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from sokoni.accounts.errors import PinLocked, PinWrong
from sokoni.accounts.services import pin_check, pin_set, villager_register
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.logistics.courier import courier_book, courier_book_due, courier_poll_round
from sokoni.logistics.errors import AlreadyCollected
from sokoni.logistics.gateways.sandbox import SandboxCourier
from sokoni.logistics.models import Pickup, SandboxCourierParcel, Shipment
from sokoni.logistics.services import pickup_check_in, pickup_hand_over, pickup_return
from sokoni.logistics.states import PickupStatus
from sokoni.logistics.tests.factories import checked_in, shipped_for_pickup
from sokoni.logistics.tests.test_export import booked, export_order
from sokoni.messaging.models import OutboundSms
from sokoni.orders.models import Checkout, Order
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import balance
from sokoni.orders.tests.test_races import race
from sokoni.payments.codes import wallet_of
from sokoni.payments.models import JournalTransaction
from sokoni.payments.selectors import ledger_problems
from sokoni.villages.services import resident_set_centre
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")


def test_two_hand_overs_with_the_right_code_release_once(tasks):
    # given
    pickup, code = checked_in(tasks, assisted=True)
    operator = pickup.centre.operator

    def hand_over():
        return pickup_hand_over(order_id=pickup.order_id, operator=operator, code=code)

    # when
    outcomes = race(hand_over, hand_over, hand_over)
    # then
    assert sum(isinstance(o, Pickup) for o in outcomes) == 1
    assert sum(isinstance(o, AlreadyCollected) for o in outcomes) == 2
    order = Order.objects.get(pk=pickup.order_id)
    assert order.status == OrderStatus.COMPLETED
    assert balance(wallet_of(operator.pk)) == order.agent_commission_minor
    assert (
        JournalTransaction.objects.filter(idempotency_key=f"order:{order.pk}:release").count() == 1
    )
    assert ledger_problems() == []


def test_a_hand_over_racing_the_return_ends_one_way_only(tasks):
    # given
    pickup, code = checked_in(tasks)
    late = pickup.collect_by + timedelta(seconds=1)

    # when
    outcomes = race(
        lambda: pickup_hand_over(
            order_id=pickup.order_id, operator=pickup.centre.operator, code=code
        ),
        lambda: pickup_return(pickup_id=pickup.pk, now=late),
    )
    # then
    pickup.refresh_from_db()
    order = Order.objects.get(pk=pickup.order_id)
    unexpected = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, AlreadyCollected) for o in unexpected), unexpected
    assert (pickup.status, order.status) in {
        (PickupStatus.COLLECTED, OrderStatus.COMPLETED),
        (PickupStatus.RETURNED, OrderStatus.REFUNDED),
    }
    assert ledger_problems() == []


def test_two_check_ins_at_once_make_one_parcel_and_one_code(tasks):
    order = shipped_for_pickup(tasks)
    operator = order.checkout.service_centre.operator

    def check_in():
        return pickup_check_in(order_id=order.pk, operator=operator)

    outcomes = race(check_in, check_in)
    assert all(isinstance(o, Pickup) for o in outcomes), outcomes
    assert Pickup.objects.count() == 1
    assert OutboundSms.objects.filter(dedupe_key__startswith="pickup:").count() == 1


def test_wrong_pins_at_once_are_all_counted():
    user = villager_register(phone="+254712900301")
    pin_set(user=user, new_pin="4071")
    outcomes = race(*[lambda n=n: pin_check(user=user, pin=f"10{n:02d}") for n in range(6)])
    assert sum(isinstance(o, PinWrong) for o in outcomes) == 2
    assert sum(isinstance(o, PinLocked) for o in outcomes) == 4


def test_the_same_ussd_order_hop_twice_at_once_orders_once():
    # given
    centre = ServiceCentreFactory()
    user = villager_register(phone="+254712900302")
    resident_set_centre(user=user, centre=centre)
    pin_set(user=user, new_pin="4071")
    ProductFactory(shop=ShopFactory(village=centre.village), category=CategoryFactory())
    fields = {"sessionId": "race-1", "serviceCode": "*384*7#", "phoneNumber": user.phone}
    client = Client()
    for text in ["", "1", "1*1", "1*1*1", "1*1*1*2", "1*1*1*2*1", "1*1*1*2*1*2"]:
        client.post("/channels/ussd/", {**fields, "text": text})

    def last_hop():
        return Client().post("/channels/ussd/", {**fields, "text": "1*1*1*2*1*2*4071"}).content

    # when
    first, second = race(last_hop, last_hop)
    # then
    assert Checkout.objects.count() == 1
    assert first == second
    assert first.startswith(b"END Order SK-")


def test_a_late_booking_task_racing_the_sweep_calls_the_courier_once(tasks):
    """The lost booking task turns up just as the clock's sweep takes the parcel: one of them
    holds it and calls the courier, the other leaves it. (Each thread has its own task queue,
    so what they queue is checked in test_export, not here.)"""
    # given
    order = export_order(tasks)
    tasks.clear()
    shipment = Shipment.objects.get(order=order)
    calls: list[str] = []
    real_book = SandboxCourier.book

    def slow_book(courier, parcel, customs):
        calls.append(parcel.code)
        time.sleep(0.3)  # the other side arrives while this call is under way
        return real_book(courier, parcel, customs)

    # when
    with mock.patch.object(SandboxCourier, "book", autospec=True, side_effect=slow_book):
        race(
            lambda: courier_book_due(now=timezone.now() + timedelta(minutes=6)),
            lambda: courier_book(shipment_id=shipment.pk),
        )
    # then
    assert calls == [shipment.code]
    shipment.refresh_from_db()
    assert shipment.courier_tracking == SandboxCourierParcel.objects.get().tracking_number
    assert (shipment.courier_book_due_at, shipment.courier_polls) == (None, 0)


def test_a_poll_round_run_twice_at_once_polls_once(tasks):
    # given
    shipment = booked(tasks)
    tasks.clear()
    # when
    with mock.patch.object(SandboxCourier, "status", return_value=[]) as status:
        race(*[lambda: courier_poll_round(shipment_id=shipment.pk, round_number=1)] * 2)
    # then
    assert status.call_count == 1
    assert Shipment.objects.get(pk=shipment.pk).courier_polls == 1
