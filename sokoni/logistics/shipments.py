"""Shipment services: open a paid order's shipment, record tracking events.

Every channel that records an event (the courier's mobile page, a QR scan, ``SCAN <code>
<event>`` by SMS, an international courier's feed, the service centre's check-in) calls
``shipment_record``. It checks that the person may act on the parcel (staff of a carrier on
its route or of a hub it passes through), moves the status along ``SHIPMENT_TRANSITIONS`` with
a conditional update, appends the event, and moves the order: the first pick-up ships it,
the delivery starts its escrow release window, a return refunds the buyer.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.core.errors import InvalidInput, NotFound
from sokoni.core.tasks import defer
from sokoni.logistics import shipment_notices
from sokoni.logistics.errors import ShipmentMoveNotAllowed
from sokoni.logistics.models import Shipment, ShipmentLeg, TrackingEvent
from sokoni.logistics.states import (
    SCANNABLE,
    SHIPMENT_TRANSITIONS,
    FailureReason,
    ShipmentStatus,
)
from sokoni.logistics.tasks import courier_book_task
from sokoni.orders.models import Order
from sokoni.orders.services.lifecycle import (
    order_delivered,
    order_picked_up,
    order_refund_returned,
)
from sokoni.orders.states import HELD, OrderStatus
from sokoni.shipping.models import Carrier, Hub, Service

# Parcel codes are read aloud and typed on feature phones: no 0/O, 1/I/L, 2/Z, 5/S or 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
CODE_PREFIX = "SK"
VIA = frozenset({"web", "qr", "sms", "api", "courier", "system"})


def new_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A code as people type it (spaces, dashes, lower case) in its printed form."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:12]


def _date(text: object) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return None


def shipment_open(order: Order) -> Shipment | None:
    """Open the shipment of an order just paid, from the quote it was priced with. Idempotent;
    an order with nothing to send (no quote) gets none. Runs in the paying transaction."""
    quote = order.quote or {}
    legs = quote.get("legs") or []
    if not legs:
        return None
    existing = Shipment.objects.filter(order=order).first()
    if existing is not None:
        return existing
    checkout = order.checkout
    is_export = any(leg.get("leg") == "export" for leg in legs)
    earliest = _date(quote.get("earliest")) or timezone.localdate()
    latest = _date(quote.get("latest")) or earliest
    fields = {
        "order": order,
        "origin_village_id": order.shop.village_id,
        "origin_hub_id": quote["origin_hub_id"],
        "destination_hub_id": quote.get("destination_hub_id"),
        "centre_id": checkout.service_centre_id,
        "destination_country": checkout.destination_country
        or (checkout.service_centre.village.country if checkout.service_centre else ""),
        "is_export": is_export,
        # Due for booking now: its task books it, or the clock's sweep should the task be lost.
        "courier_book_due_at": timezone.now() if is_export else None,
        "weight_g": int(quote.get("weight_g") or 1),
        "volume_cm3": int(quote.get("volume_cm3") or quote.get("weight_g") or 1),
        "cost_minor": int(quote.get("cost_minor") or 0),
        "currency": order.currency,
        "promised_from": earliest,
        "promised_to": latest,
    }
    for _attempt in range(5):  # a code already taken (1 in 25^8) draws another
        try:
            with transaction.atomic():
                shipment = Shipment.objects.create(code=new_code(), **fields)
                break
        except IntegrityError:
            if Shipment.objects.filter(order=order).exists():
                return Shipment.objects.get(order=order)
    else:  # pragma: no cover - five collisions in a row
        raise RuntimeError("no free parcel code")
    services = Service.objects.in_bulk([leg["service_id"] for leg in legs])
    ShipmentLeg.objects.bulk_create(
        ShipmentLeg(
            shipment=shipment,
            seq=seq,
            kind=leg["leg"],
            service=services.get(leg["service_id"]),
            carrier_id=leg["carrier_id"],
            origin=str(leg.get("origin", ""))[:120],
            destination=str(leg.get("destination", ""))[:120],
            distance_km=int(leg.get("distance_km") or 0),
            cost_minor=int(leg.get("cost_minor") or 0),
        )
        for seq, leg in enumerate(legs, start=1)
    )
    if shipment.is_export:  # booked with the international courier once the payment commits
        defer(courier_book_task, shipment.pk)
    return shipment


def shipment_open_on_paid(order: Order) -> None:
    """Registered with orders: every paid order with a parcel gets its shipment."""
    shipment_open(order)


# -- who may record what ------------------------------------------------------------------------


def carriers_of(shipment: Shipment) -> list[int]:
    return list(shipment.legs.values_list("carrier_id", flat=True))


def may_scan(user: User | None, shipment: Shipment) -> bool:
    """Staff of a carrier on the parcel's route, or of a hub it passes through (or Sokoni
    staff) may record its events."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    if Carrier.objects.filter(pk__in=carriers_of(shipment), staff=user).exists():
        return True
    hubs = [shipment.origin_hub_id, shipment.destination_hub_id]
    return Hub.objects.filter(pk__in=[h for h in hubs if h], staff=user).exists()


def shipment_for_scanner(code: str, user: User | None) -> Shipment:
    """The parcel a code names, if ``user`` may record its events; else ``NotFound`` (a
    courier learns nothing about parcels that are not theirs)."""
    shipment = (
        Shipment.objects.filter(code=normalize_code(code))
        .select_related("order", "origin_hub", "destination_hub", "centre")
        .first()
    )
    if shipment is None or not may_scan(user, shipment):
        raise NotFound(_("No parcel of yours has that code."), field="code")
    return shipment


def _carrier_of(user: User | None, shipment: Shipment) -> Carrier | None:
    if user is None:
        return None
    return Carrier.objects.filter(pk__in=carriers_of(shipment), staff=user).first()


def _hub_of(user: User | None, shipment: Shipment) -> Hub | None:
    if user is None:
        return None
    hubs = [h for h in (shipment.origin_hub_id, shipment.destination_hub_id) if h]
    return Hub.objects.filter(pk__in=hubs, staff=user).first()


# -- recording events ------------------------------------------------------------------------


def _check_event(shipment: Shipment, kind: str, failure: str, via: str) -> None:
    if kind not in ShipmentStatus.values:
        raise InvalidInput(_("Choose what happened to the parcel."), field="event")
    if via not in VIA:
        raise InvalidInput(field="via")
    if via != "system" and kind not in SCANNABLE:
        raise InvalidInput(_("Choose what happened to the parcel."), field="event")
    if kind == ShipmentStatus.FAILED_ATTEMPT and failure not in FailureReason.values:
        raise InvalidInput(_("Say why the delivery failed."), field="failure")
    if kind != ShipmentStatus.FAILED_ATTEMPT and failure:
        raise InvalidInput(_("A reason is only given for a failed attempt."), field="failure")
    if (
        via != "system"
        and kind == ShipmentStatus.DELIVERED
        and shipment.centre_id is not None
        and not shipment.is_export
    ):
        raise ShipmentMoveNotAllowed(
            _(
                "This parcel is for pickup at %(centre)s: hand it to the operator, whose "
                "check-in tells the buyer."
            )
            % {"centre": shipment.centre.name if shipment.centre else ""},
            field="event",
        )


def shipment_record(
    *,
    shipment: Shipment,
    kind: str,
    actor: User | None,
    via: str,
    failure: str = "",
    note: str = "",
    hub: Hub | None = None,
    at: datetime | None = None,
) -> TrackingEvent | None:
    """Record that ``kind`` happened to the parcel. Returns the event, or None when the parcel
    already is in that status (a resent SMS or a double scan changes nothing).

    Refuses (``ShipmentMoveNotAllowed``) a move the table forbids, e.g. anything after
    ``delivered``; the caller has checked that ``actor`` may scan it (``shipment_for_scanner``)
    unless ``via`` is ``system`` or ``courier``.
    """
    kind, failure, note = str(kind), str(failure or ""), " ".join(str(note or "").split())[:200]
    _check_event(shipment, kind, failure, via)
    if kind == ShipmentStatus.PICKED_UP:
        order = Order.objects.only("status").get(pk=shipment.order_id)
        if order.status not in HELD:
            with transaction.atomic():
                _cancel(shipment, actor)
            raise ShipmentMoveNotAllowed(
                _("Order %(number)s was cancelled: keep the parcel with the seller.")
                % {"number": f"SK-{shipment.order_id:06d}"},
                field="event",
            )
    with transaction.atomic():
        return _record(shipment, kind, actor, via, failure, note, hub, at)


def _record(
    shipment: Shipment,
    kind: str,
    actor: User | None,
    via: str,
    failure: str,
    note: str,
    hub: Hub | None,
    at: datetime | None,
) -> TrackingEvent | None:
    current = Shipment.objects.select_for_update().only("status").get(pk=shipment.pk).status
    if current == kind and kind != ShipmentStatus.FAILED_ATTEMPT:
        shipment.status = current
        return None
    if kind not in SHIPMENT_TRANSITIONS[current]:
        raise ShipmentMoveNotAllowed(
            _("Parcel %(code)s is “%(status)s”: it cannot be marked “%(event)s”.")
            % {
                "code": shipment.code,
                "status": ShipmentStatus(current).label,
                "event": ShipmentStatus(kind).label,
            },
            field="event",
            from_status=current,
            to_status=kind,
        )
    now = at or timezone.now()
    stamp: dict[str, object] = {}
    if kind == ShipmentStatus.PICKED_UP:
        stamp["picked_up_at"] = now
    elif kind == ShipmentStatus.DELIVERED:
        stamp["delivered_at"] = now
    moved = Shipment.objects.filter(pk=shipment.pk, status=current).update(
        status=kind, status_changed_at=now, **stamp
    )
    if moved != 1:  # pragma: no cover - the row lock above makes this unreachable
        raise ShipmentMoveNotAllowed(field="event")
    shipment.status, shipment.status_changed_at = kind, now
    for name, value in stamp.items():
        setattr(shipment, name, value)
    event = TrackingEvent.objects.create(
        shipment=shipment,
        kind=kind,
        at=now,
        actor=actor,
        carrier=_carrier_of(actor, shipment),
        hub=hub or (_hub_of(actor, shipment) if kind == ShipmentStatus.AT_HUB else None),
        failure=failure,
        note=note,
        via=via,
    )
    _move_order(shipment, kind, actor)
    shipment_notices.event_recorded(shipment, event)
    return event


def _move_order(shipment: Shipment, kind: str, actor: User | None) -> None:
    if kind == ShipmentStatus.PICKED_UP:
        order_picked_up(order_id=shipment.order_id, actor=actor, tracking_ref=shipment.code)
    elif kind == ShipmentStatus.DELIVERED:
        if shipment.centre_id is None or shipment.is_export:
            order_delivered(order_id=shipment.order_id, actor=actor, reference=shipment.code)
    elif kind == ShipmentStatus.RETURNED and shipment.centre_id is None:
        # A parcel for pickup that went back is refunded by the pickup service itself.
        order_refund_returned(order_id=shipment.order_id)


def _cancel(shipment: Shipment, actor: User | None) -> None:
    moved = Shipment.objects.filter(pk=shipment.pk, status=ShipmentStatus.AWAITING_PICKUP).update(
        status=ShipmentStatus.CANCELLED, status_changed_at=timezone.now()
    )
    if moved:
        TrackingEvent.objects.create(
            shipment=shipment,
            kind=ShipmentStatus.CANCELLED,
            at=timezone.now(),
            actor=actor,
            via="system",
        )


def shipments_cancel_unsent(*, order_ids: list[int]) -> int:
    """Cancel the shipments of orders closed before a carrier took them (a cancelled or
    refunded order): no run plans to collect them again."""
    count = 0
    for shipment in Shipment.objects.filter(
        order_id__in=order_ids, status=ShipmentStatus.AWAITING_PICKUP
    ).exclude(Q(order__status__in=HELD) | Q(order__status=OrderStatus.PENDING_PAYMENT)):
        _cancel(shipment, None)
        count += 1
    return count


def shipment_follow(*, order_id: int, kind: str, actor: User | None) -> None:
    """Record what the service centre did with a parcel (checked in, handed over, sent back)
    on its shipment, when the parcel has one and the move fits where it is; a parcel that
    came by the seller's own means is left as it is."""
    shipment = Shipment.objects.filter(order_id=order_id).first()
    if shipment is None or kind not in SHIPMENT_TRANSITIONS[shipment.status]:
        return
    shipment_record(shipment=shipment, kind=kind, actor=actor, via="system")
