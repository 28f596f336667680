"""Tracking events through ``shipment_record``: the transition table (every allowed move and
every forbidden one), repeats, failure reasons, what each event does to the order (ship,
delivery window, refund), the recipient's text messages, and who may record at all.

The helpers at the top are shared by the other tracking test modules.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.core.errors import DomainError, InvalidInput, NotFound
from sokoni.logistics.models import Shipment, TrackingEvent
from sokoni.logistics.services import pickup_check_in
from sokoni.logistics.shipments import (
    may_scan,
    shipment_for_scanner,
    shipment_record,
    shipments_cancel_unsent,
)
from sokoni.logistics.states import (
    NOTIFIED,
    SCANNABLE,
    SHIPMENT_TRANSITIONS,
    FailureReason,
    ShipmentStatus,
)
from sokoni.messaging.models import OutboundSms
from sokoni.orders.services.lifecycle import order_cancel
from sokoni.orders.states import DeliveryMethod, OrderStatus
from sokoni.orders.tests.factories import frozen, paid_order, world
from sokoni.payments.selectors import ledger_problems
from sokoni.shipping.models import Carrier, Hub
from sokoni.shipping.states import CarrierKind
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db

S = ShipmentStatus
MOVE_REFUSED = "logistics.shipment_move_not_allowed"

# -- shared helpers --------------------------------------------------------------------------------


def courier_of(shipment: Shipment, user=None):
    """A driver of the carrier of the parcel's first leg."""
    user = user or UserFactory()
    shipment.legs.first().carrier.staff.add(user)
    return user


def parcel(tasks, **kwargs) -> tuple[Shipment, object]:
    """A paid order's parcel, waiting for the carrier, and one of the carrier's drivers."""
    order = paid_order(tasks, **kwargs)
    shipment = order.shipment
    return shipment, courier_of(shipment)


def parcel_for_pickup(tasks) -> tuple[Shipment, object]:
    """A paid order's parcel for pickup at a service centre, and a driver of its carrier."""
    centre = ServiceCentreFactory()
    buyer = UserFactory()
    return parcel(
        tasks,
        buyer=buyer,
        method=DeliveryMethod.PICKUP,
        address="",
        service_centre_id=centre.pk,
        recipient_phone=buyer.phone,
    )


def record(shipment: Shipment, kind: str, actor, *, via: str = "web", **kwargs):
    if kind == S.FAILED_ATTEMPT:
        kwargs.setdefault("failure", FailureReason.NOBODY_HOME)
    return shipment_record(shipment=shipment, kind=kind, actor=actor, via=via, **kwargs)


# How a courier brings a parcel to each status (at_centre and cancelled are Sokoni's own).
PATHS = {
    S.AWAITING_PICKUP: [],
    S.PICKED_UP: [S.PICKED_UP],
    S.AT_HUB: [S.PICKED_UP, S.AT_HUB],
    S.IN_TRANSIT: [S.PICKED_UP, S.IN_TRANSIT],
    S.OUT_FOR_DELIVERY: [S.PICKED_UP, S.OUT_FOR_DELIVERY],
    S.FAILED_ATTEMPT: [S.PICKED_UP, S.OUT_FOR_DELIVERY, S.FAILED_ATTEMPT],
    S.DELIVERED: [S.PICKED_UP, S.OUT_FOR_DELIVERY, S.DELIVERED],
    S.RETURNED: [S.PICKED_UP, S.RETURNED],
}


def reach(tasks, status: str) -> tuple[Shipment, object]:
    """A parcel brought to ``status`` through the services, and its driver."""
    if status == S.AT_CENTRE:
        shipment, courier = parcel_for_pickup(tasks)
        for kind in (S.PICKED_UP, S.AT_HUB):
            record(shipment, kind, courier)
        operator = shipment.order.checkout.service_centre.operator
        pickup_check_in(order_id=shipment.order_id, operator=operator)
    elif status == S.CANCELLED:
        shipment, courier = parcel(tasks)
        order_cancel(order=shipment.order, actor=shipment.order.buyer)
        shipments_cancel_unsent(order_ids=[shipment.order_id])
    else:
        shipment, courier = parcel(tasks)
        for kind in PATHS[status]:
            record(shipment, kind, courier)
    shipment = Shipment.objects.select_related("centre", "order").get(pk=shipment.pk)
    assert shipment.status == status
    return shipment, courier


def parcel_state(shipment: Shipment) -> dict:
    """Everything a refused event must leave as it was: the parcel, its events, the order,
    the money and the text messages."""
    return {
        "shipment": Shipment.objects.filter(pk=shipment.pk)
        .values("status", "status_changed_at", "picked_up_at", "delivered_at")
        .get(),
        "events": list(TrackingEvent.objects.order_by("pk").values_list("pk", flat=True)),
        "texts": OutboundSms.objects.count(),
        "world": world(),
    }


# -- the transition table --------------------------------------------------------------------------


def _allowed(shipment: Shipment, status: str, event: str) -> bool:
    for_pickup = shipment.centre_id is not None and not shipment.is_export
    return event in SHIPMENT_TRANSITIONS[status] and not (event == S.DELIVERED and for_pickup)


@pytest.mark.parametrize("event", SCANNABLE)
@pytest.mark.parametrize("status", list(ShipmentStatus))
def test_every_event_from_every_status_follows_the_table(tasks, status, event):
    """Each scannable event is recorded exactly where SHIPMENT_TRANSITIONS allows it; a
    repeat of the current status is recorded once; everything else is refused with nothing
    changed."""
    # given
    shipment, courier = reach(tasks, status)
    before = parcel_state(shipment)
    # when / then
    if _allowed(shipment, status, event):
        recorded = record(shipment, event, courier)
        assert recorded.kind == event
        assert recorded.actor == courier
        assert recorded.via == "web"
        assert recorded.carrier == shipment.legs.first().carrier
        assert Shipment.objects.get(pk=shipment.pk).status == event
        assert TrackingEvent.objects.filter(shipment=shipment).count() == len(before["events"]) + 1
    elif event == status and event != S.FAILED_ATTEMPT:
        assert record(shipment, event, courier) is None
        assert parcel_state(shipment) == before
    else:
        with pytest.raises(DomainError) as refused:
            record(shipment, event, courier)
        assert refused.value.code == MOVE_REFUSED
        assert parcel_state(shipment) == before


def test_the_table_reaches_every_status_and_ends_in_the_finished_ones():
    """Every status but the first can be reached; delivered, returned and cancelled lead
    nowhere."""
    reached = set().union(*SHIPMENT_TRANSITIONS.values())
    assert reached == set(ShipmentStatus) - {S.AWAITING_PICKUP}
    assert {s for s, to in SHIPMENT_TRANSITIONS.items() if not to} == {
        S.DELIVERED,
        S.RETURNED,
        S.CANCELLED,
    }


def test_an_event_after_delivery_is_refused_and_changes_nothing(tasks):
    # given
    shipment, courier = reach(tasks, S.DELIVERED)
    before = parcel_state(shipment)
    # when
    with pytest.raises(DomainError) as refused:
        record(shipment, S.RETURNED, courier)
    # then
    assert refused.value.code == MOVE_REFUSED
    assert refused.value.context == {"from_status": S.DELIVERED, "to_status": S.RETURNED}
    assert parcel_state(shipment) == before


# -- repeats and reasons ---------------------------------------------------------------------------


def test_a_repeated_event_is_recorded_once(tasks):
    """A double scan or a resent message changes nothing: no second event, order event or
    text message."""
    # given
    shipment, courier = parcel(tasks)
    first = record(shipment, S.PICKED_UP, courier)
    before = parcel_state(shipment)
    # when
    again = record(shipment, S.PICKED_UP, courier, via="sms")
    # then
    assert first is not None
    assert again is None
    assert parcel_state(shipment) == before


def test_a_failed_attempt_needs_a_reason(tasks):
    # given
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    before = parcel_state(shipment)
    # when
    with pytest.raises(InvalidInput) as refused:
        shipment_record(shipment=shipment, kind=S.FAILED_ATTEMPT, actor=courier, via="web")
    # then
    assert refused.value.field == "failure"
    assert parcel_state(shipment) == before


def test_a_failed_attempt_keeps_its_reason_and_note(tasks):
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    event = record(
        shipment, S.FAILED_ATTEMPT, courier, failure=FailureReason.REFUSED, note="  gate\nshut "
    )
    assert (event.failure, event.note) == (FailureReason.REFUSED, "gate shut")


def test_a_reason_for_another_event_is_refused(tasks):
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    before = parcel_state(shipment)
    with pytest.raises(InvalidInput) as refused:
        record(shipment, S.DELIVERED, courier, failure=FailureReason.OTHER)
    assert refused.value.field == "failure"
    assert parcel_state(shipment) == before


@pytest.mark.parametrize("kind", [S.AT_CENTRE, S.CANCELLED, S.AWAITING_PICKUP, "lost", ""])
def test_events_couriers_do_not_record_are_refused(tasks, kind):
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    before = parcel_state(shipment)
    with pytest.raises(InvalidInput) as refused:
        record(shipment, kind, courier)
    assert refused.value.field == "event"
    assert parcel_state(shipment) == before


# -- what the events do to the order ---------------------------------------------------------------


def test_the_pick_up_ships_the_order_with_the_parcel_code(tasks):
    # given
    shipment, courier = parcel(tasks)
    # when
    record(shipment, S.PICKED_UP, courier)
    # then
    order = shipment.order
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.tracking_ref == shipment.code
    assert order.shipped_at is not None
    shipment.refresh_from_db()
    assert shipment.picked_up_at is not None


def test_the_delivery_starts_the_release_window(tasks):
    """'Delivered' moves the order to delivered and sets the automatic release
    ESCROW_AUTO_RELEASE_DAYS after the moment it is recorded."""
    # given
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    moment = timezone.now() + timedelta(days=2)
    # when
    with frozen(moment):
        record(shipment, S.DELIVERED, courier)
    # then
    order = shipment.order
    order.refresh_from_db()
    shipment.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert order.delivered_at == moment
    assert order.auto_release_at == moment + timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS)
    assert shipment.delivered_at == moment


def test_a_returned_parcel_refunds_the_buyer(tasks):
    # given
    shipment, courier = reach(tasks, S.IN_TRANSIT)
    order = shipment.order
    # when
    record(shipment, S.RETURNED, courier)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert order.refunded_minor == order.total_minor
    assert order.released_minor == 0
    assert ledger_problems() == []


def test_a_parcel_for_pickup_cannot_be_delivered_by_a_courier(tasks):
    """Its delivery is the centre's hand-over against the pickup code: a courier's
    'delivered' is refused from anywhere, and nothing changes."""
    # given
    shipment, courier = parcel_for_pickup(tasks)
    record(shipment, S.PICKED_UP, courier)
    record(shipment, S.AT_HUB, courier)
    before = parcel_state(shipment)
    # when
    with pytest.raises(DomainError) as refused:
        record(shipment, S.DELIVERED, courier)
    # then
    assert refused.value.code == MOVE_REFUSED
    assert shipment.centre.name in str(refused.value.message)
    assert parcel_state(shipment) == before


def test_a_cancelled_order_is_not_picked_up_and_its_parcel_is_cancelled(tasks):
    """The driver is told to leave the parcel with the seller; the order (refunded) and the
    money stay as they were, and the parcel leaves the pickup plans."""
    # given
    shipment, courier = parcel(tasks)
    order_cancel(order=shipment.order, actor=shipment.order.buyer)
    before = parcel_state(shipment)
    # when
    with pytest.raises(DomainError) as refused:
        record(shipment, S.PICKED_UP, courier)
    # then
    assert refused.value.code == MOVE_REFUSED
    assert "keep the parcel with the seller" in str(refused.value.message)
    assert parcel_state(shipment)["world"] == before["world"]
    assert Shipment.objects.get(pk=shipment.pk).status == S.CANCELLED
    kinds = list(TrackingEvent.objects.filter(shipment=shipment).values_list("kind", "via"))
    assert kinds == [(S.CANCELLED, "system")]


# -- text messages -----------------------------------------------------------------------------


def _texts_about(shipment: Shipment, kind: str):
    return OutboundSms.objects.filter(dedupe_key__startswith=f"shipment:{shipment.pk}:{kind}:")


@pytest.mark.parametrize("kind", sorted(NOTIFIED))
def test_the_important_events_text_the_recipient(tasks, kind):
    # given
    path = PATHS[kind]
    shipment, courier = parcel(tasks)
    # when
    for step in path:
        record(shipment, step, courier)
    # then
    texts = list(_texts_about(shipment, kind))
    assert len(texts) == 1
    assert texts[0].to == shipment.order.checkout.recipient_phone
    assert shipment.code in texts[0].body


@pytest.mark.parametrize("kind", [S.AT_HUB, S.IN_TRANSIT])
def test_the_other_events_are_only_on_the_timeline(tasks, kind):
    shipment, courier = parcel(tasks)
    record(shipment, S.PICKED_UP, courier)
    before = OutboundSms.objects.count()
    record(shipment, kind, courier)
    assert OutboundSms.objects.count() == before
    assert not _texts_about(shipment, kind).exists()


# -- who may record -------------------------------------------------------------------------------


def _other_carrier_driver():
    carrier = Carrier.objects.create(name="Other couriers", kind=CarrierKind.COURIER)
    driver = UserFactory()
    carrier.staff.add(driver)
    return driver


@pytest.mark.parametrize(
    "who",
    ["stranger", "other_carrier", "buyer", "seller", "other_hub", "inactive_driver"],
)
def test_people_who_may_not_scan_find_no_parcel_and_change_nothing(tasks, who):
    # given
    shipment, courier = parcel(tasks)
    if who == "stranger":
        person = UserFactory()
    elif who == "other_carrier":
        person = _other_carrier_driver()
    elif who == "buyer":
        person = shipment.order.buyer
    elif who == "seller":
        person = shipment.order.shop.owner
    elif who == "other_hub":
        person = UserFactory()
        Hub.objects.create(
            code="elsewhere", name="Elsewhere", country="KE", region="X", latitude=0, longitude=0
        ).staff.add(person)
    else:
        person = courier
        person.is_active = False
        person.save(update_fields=["is_active"])
    before = parcel_state(shipment)
    # when
    with pytest.raises(NotFound):
        shipment_for_scanner(shipment.code, person)
    # then
    assert may_scan(person, shipment) is False
    assert parcel_state(shipment) == before


@pytest.mark.parametrize("who", ["driver", "origin_hub", "destination_hub", "sokoni_staff"])
def test_drivers_hub_staff_and_sokoni_staff_may_scan(tasks, who):
    shipment, courier = parcel(tasks)
    if who == "driver":
        person = courier
    elif who == "sokoni_staff":
        person = StaffFactory()
    else:
        person = UserFactory()
        getattr(shipment, who).staff.add(person)
    assert shipment_for_scanner(shipment.code.lower(), person) == shipment


def test_hub_staff_record_at_their_own_hub(tasks):
    # given
    shipment, courier = parcel(tasks)
    clerk = UserFactory()
    shipment.origin_hub.staff.add(clerk)
    record(shipment, S.PICKED_UP, courier)
    # when
    event = record(shipment, S.AT_HUB, clerk)
    # then
    assert event.hub == shipment.origin_hub
    assert event.carrier is None


def test_an_unknown_code_is_not_found(tasks):
    _shipment, courier = parcel(tasks)
    with pytest.raises(NotFound):
        shipment_for_scanner("SKXXXXXXXX", courier)
