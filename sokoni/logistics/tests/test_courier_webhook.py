"""``POST /logistics/courier/<gateway>/events/`` through the test client: signed, fresh,
idempotent, and mapped onto the parcel's tracking with ``via="courier"``."""

import json
import threading
import time
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from sokoni.logistics.courier import courier_event_apply
from sokoni.logistics.gateways.base import CourierEvent, webhook_secret
from sokoni.logistics.models import CourierEventReceipt, Shipment, TrackingEvent
from sokoni.logistics.states import ShipmentStatus
from sokoni.logistics.tests.test_export import booked
from sokoni.orders.models import Order
from sokoni.orders.states import OrderStatus
from sokoni.payments.signatures import sign

pytestmark = pytest.mark.django_db

URL = "/logistics/courier/sandbox/events/"


@pytest.fixture
def parcel(tasks) -> Shipment:
    """A booked export parcel; the sandbox's own webhooks are dropped, the tests send theirs."""
    shipment = booked(tasks)
    tasks.clear()
    return shipment


def wire(shipment, code: str, *, at: datetime | None = None, event_id: str = "") -> bytes:
    """A webhook body in the sandbox courier's words."""
    return json.dumps(
        {
            "event_id": event_id or f"{shipment.courier_tracking}-{code}",
            "tracking_number": shipment.courier_tracking,
            "reference": shipment.code,
            "event_code": code,
            "timestamp": (at or timezone.now()).isoformat(),
            "location": "Springfield, US",
            "remark": "Scanned",
        }
    ).encode()


def post(client, body: bytes, *, header=..., timestamp=None, secret=None, gateway="sandbox"):
    if header is ...:
        header = sign(body=body, secret=secret or webhook_secret(), timestamp=timestamp)
    headers = {} if header is None else {"Sokoni-Signature": header}
    return client.post(
        f"/logistics/courier/{gateway}/events/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def state(shipment) -> tuple:
    """What a refused webhook must leave as it was."""
    shipment = Shipment.objects.get(pk=shipment.pk)
    order = Order.objects.get(pk=shipment.order_id)
    return (
        shipment.status,
        order.status,
        TrackingEvent.objects.filter(shipment=shipment).count(),
        CourierEventReceipt.objects.count(),
    )


def test_a_signed_pick_up_moves_the_parcel_and_ships_the_order(client, parcel):
    # when
    response = post(client, wire(parcel, "PU"))
    # then
    assert (response.status_code, response.json()) == (200, {"status": "applied"})
    parcel.refresh_from_db()
    event = TrackingEvent.objects.get(shipment=parcel)
    assert parcel.status == ShipmentStatus.PICKED_UP
    assert (event.kind, event.via, event.actor, event.note) == (
        "picked_up",
        "courier",
        None,
        "Scanned, Springfield, US",
    )
    assert Order.objects.get(pk=parcel.order_id).status == OrderStatus.SHIPPED


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        (None, 401, "logistics.courier_signature_invalid"),
        ("t=1,v1=zz", 401, "logistics.courier_signature_invalid"),
        ("wrong-secret", 401, "logistics.courier_signature_invalid"),
        ("stale", 400, "logistics.courier_signature_stale"),
        ("future", 400, "logistics.courier_signature_stale"),
    ],
)
def test_a_bad_or_stale_signature_is_refused_and_changes_nothing(
    client, parcel, header, status, code
):
    # given
    before = state(parcel)
    body = wire(parcel, "PU")
    if header == "wrong-secret":
        header = sign(body=body, secret="not-the-secret")
    elif header == "stale":
        header = sign(body=body, secret=webhook_secret(), timestamp=int(time.time()) - 301)
    elif header == "future":
        header = sign(body=body, secret=webhook_secret(), timestamp=int(time.time()) + 301)
    # when
    response = post(client, body, header=header)
    # then
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert state(parcel) == before


def test_a_body_signed_but_changed_is_refused(client, parcel):
    before = state(parcel)
    header = sign(body=wire(parcel, "PU"), secret=webhook_secret())
    response = post(client, wire(parcel, "OK"), header=header)
    assert response.status_code == 401
    assert state(parcel) == before


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"event_id": "E1"}',
        b'{"event_id":"E1","tracking_number":"SBX1","event_code":"ZZ","timestamp":"2026-01-01T00:00:00+00:00"}',
        b'{"event_id":"E1","tracking_number":"SBX1","event_code":"PU","timestamp":"yesterday"}',
        b'{"event_id":"E1","tracking_number":"SBX1","event_code":"PU","timestamp":"2026-01-01T00:00:00"}',
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(client, parcel, body):
    before = state(parcel)
    response = post(client, body)
    assert (response.status_code, response.json()["code"]) == (
        400,
        "logistics.courier_event_invalid",
    )
    assert state(parcel) == before


def test_an_event_delivered_twice_is_handled_once(client, parcel):
    # given
    body = wire(parcel, "PU", event_id="EV-1")
    # when
    first, second = post(client, body), post(client, body)
    # then
    assert [first.json(), second.json()] == [{"status": "applied"}, {"status": "duplicate"}]
    assert TrackingEvent.objects.filter(shipment=parcel).count() == 1
    assert CourierEventReceipt.objects.filter(event_id="EV-1").count() == 1


def test_delivered_by_the_courier_delivers_the_order_and_starts_the_release_window(
    client, parcel, tasks
):
    # given
    start = timezone.now() - timedelta(days=5)
    for hours, code in enumerate(("PU", "AF", "CR", "WC")):
        assert post(client, wire(parcel, code, at=start + timedelta(hours=hours))).json() == {
            "status": "applied"
        }
    # when
    response = post(client, wire(parcel, "OK", at=start + timedelta(days=1)))
    # then
    assert response.json() == {"status": "applied"}
    parcel.refresh_from_db()
    order = Order.objects.get(pk=parcel.order_id)
    assert parcel.status == ShipmentStatus.DELIVERED
    assert parcel.delivered_at == start + timedelta(days=1)
    assert order.status == OrderStatus.DELIVERED
    window = order.auto_release_at - order.delivered_at
    assert window == timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS)
    assert "order_auto_release_task" in tasks.names()
    # and nothing moves a delivered parcel any more
    late = post(client, wire(parcel, "WC", at=start + timedelta(days=2), event_id="EV-late"))
    assert late.json() == {"status": "ignored"}
    assert Shipment.objects.get(pk=parcel.pk).status == ShipmentStatus.DELIVERED


def test_an_event_older_than_one_handled_is_ignored(client, parcel):
    # given: out for delivery on the third day
    start = timezone.now() - timedelta(days=3)
    post(client, wire(parcel, "PU", at=start))
    post(client, wire(parcel, "WC", at=start + timedelta(days=2)))
    before = state(parcel)
    # when: the export hub's scan of the first day arrives now
    response = post(client, wire(parcel, "AF", at=start + timedelta(days=1)))
    # then
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    status, order_status, events, receipts = state(parcel)
    assert (status, order_status, events) == before[:3]
    assert status == ShipmentStatus.OUT_FOR_DELIVERY
    assert receipts == before[3] + 1  # handled: a repeat is a duplicate


def test_a_move_the_table_forbids_is_ignored_until_the_events_before_it_arrive(client, parcel):
    # given: still waiting for pickup
    start = timezone.now() - timedelta(days=3)
    before = state(parcel)
    delivered = wire(parcel, "OK", at=start + timedelta(days=2))
    # when: the courier says it delivered it
    response = post(client, delivered)
    # then
    assert response.json() == {"status": "ignored"}
    assert state(parcel) == before
    # when the lost events come (by polling, say), then the delivery again
    for hours, code in enumerate(("PU", "CR", "WC")):
        post(client, wire(parcel, code, at=start + timedelta(hours=hours)))
    again = post(client, delivered)
    # then
    assert again.json() == {"status": "applied"}
    assert Shipment.objects.get(pk=parcel.pk).status == ShipmentStatus.DELIVERED


def test_a_failed_attempt_keeps_the_couriers_reason(client, parcel):
    start = timezone.now() - timedelta(days=2)
    for hours, code in enumerate(("PU", "WC", "NH", "WC", "OK")):
        post(client, wire(parcel, code, at=start + timedelta(hours=hours), event_id=f"E{hours}"))
    kinds = list(TrackingEvent.objects.filter(shipment=parcel).values_list("kind", "failure"))
    assert kinds == [
        ("picked_up", ""),
        ("out_for_delivery", ""),
        ("failed_attempt", "nobody_home"),
        ("out_for_delivery", ""),
        ("delivered", ""),
    ]


def test_a_courier_collecting_at_our_hub_takes_the_parcel_on_its_way(client, parcel):
    """Our own first mile brought it to the hub; the courier's pick-up there is in transit."""
    from sokoni.logistics.shipments import shipment_record

    shipment_record(shipment=parcel, kind="picked_up", actor=None, via="system")
    shipment_record(shipment=parcel, kind="at_hub", actor=None, via="system")
    response = post(client, wire(parcel, "PU"))
    assert response.json() == {"status": "applied"}
    assert Shipment.objects.get(pk=parcel.pk).status == ShipmentStatus.IN_TRANSIT


def test_an_unknown_tracking_number_is_not_found_and_not_remembered(client, parcel):
    body = wire(parcel, "PU").replace(parcel.courier_tracking.encode(), b"SBX0000000000")
    before = state(parcel)
    response = post(client, body)
    assert (response.status_code, response.json()["code"]) == (
        404,
        "logistics.unknown_tracking",
    )
    assert state(parcel) == before


def test_an_unknown_gateway_is_not_found(client, parcel):
    response = post(client, wire(parcel, "PU"), gateway="acme")
    assert (response.status_code, response.json()["code"]) == (404, "logistics.unknown_courier")


def test_only_post_is_accepted(client):
    assert client.get(URL).status_code == 405


def test_a_body_too_large_is_refused(client, parcel):
    response = post(client, b"{" + b" " * 70_000 + b"}")
    assert response.status_code == 413


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_event_racing_itself_is_applied_once(tasks):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    # given
    shipment = booked(tasks)
    event = CourierEvent(
        event_id="EV-race",
        tracking_number=shipment.courier_tracking,
        code="picked_up",
        occurred_at=timezone.now(),
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(3)

    def deliver():
        try:
            barrier.wait()
            outcomes.append(courier_event_apply(gateway="sandbox", event=event))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(outcomes) == ["applied", "duplicate", "duplicate"]
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1
    assert CourierEventReceipt.objects.count() == 1
