"""Reads of the logistics app. A selector given an actor is the permission check: a parcel the
actor may not see is ``NotFound``, never a different error (so codes and ids reveal nothing)."""

from __future__ import annotations

from typing import Any, TypeGuard

from django.db.models import Q, QuerySet

from sokoni.accounts.models import User
from sokoni.core.errors import NotFound
from sokoni.logistics.models import Shipment, ShipmentLeg, TrackingEvent
from sokoni.logistics.shipments import may_scan, normalize_code
from sokoni.logistics.states import FINISHED, SCANNABLE, SHIPMENT_TRANSITIONS, ShipmentStatus
from sokoni.orders.states import OrderStatus
from sokoni.shipping.models import Carrier, Hub

SHIPMENT_RELATED = (
    "order",
    "order__shop",
    "order__shop__village",
    "order__checkout",
    "order__checkout__service_centre",
    "order__checkout__service_centre__village",
    "origin_village",
    "origin_hub",
    "destination_hub",
    "centre",
    "centre__village",
)


def _valid_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise NotFound()
    return value


def _signed_in(user: User | None) -> TypeGuard[User]:
    return user is not None and user.is_authenticated and user.is_active


# -- couriers and hub staff -----------------------------------------------------------------------


def is_courier(user: User | None) -> bool:
    """Whether the user works for a carrier or at a hub (so has parcels to scan)."""
    if not _signed_in(user):
        return False
    return Carrier.objects.filter(staff=user).exists() or Hub.objects.filter(staff=user).exists()


def shipment_list_for_courier(user: User) -> QuerySet[Shipment]:
    """The parcels on the way that the user's carriers carry or that pass through the user's
    hubs, newest first (nothing for anyone else)."""
    if not _signed_in(user):
        return Shipment.objects.none()
    hubs = list(Hub.objects.filter(staff=user).values_list("pk", flat=True))
    carriers = list(Carrier.objects.filter(staff=user).values_list("pk", flat=True))
    carried = ShipmentLeg.objects.filter(carrier_id__in=carriers).values("shipment_id")
    return (
        Shipment.objects.filter(
            Q(origin_hub_id__in=hubs) | Q(destination_hub_id__in=hubs) | Q(pk__in=carried)
        )
        .exclude(status__in=FINISHED)
        .select_related(*SHIPMENT_RELATED)
        .order_by("-created_at", "-pk")
    )


def scan_choices(shipment: Shipment) -> list[tuple[str, str]]:
    """The events a courier may record on the parcel now, in the order of a journey.

    A parcel for pickup at a service centre is never 'delivered' by a courier: the centre's
    hand-over against the pickup code is its delivery.
    """
    allowed = SHIPMENT_TRANSITIONS[shipment.status]
    return [
        (kind.value, str(kind.label))
        for kind in SCANNABLE
        if kind in allowed
        and not (
            kind == ShipmentStatus.DELIVERED
            and shipment.centre_id is not None
            and not shipment.is_export
        )
    ]


def route_hubs(shipment: Shipment) -> QuerySet[Hub]:
    """The hubs the parcel passes through: its first hub and its last (when it has one)."""
    hubs = [pk for pk in (shipment.origin_hub_id, shipment.destination_hub_id) if pk]
    return Hub.objects.filter(pk__in=hubs).order_by("name", "pk")


def next_hub(shipment: Shipment) -> Hub | None:
    """The hub a parcel most likely is at when someone says 'at the hub' without naming one:
    its first hub right after pick-up, else its last (its first when it has no last)."""
    if shipment.status in (ShipmentStatus.AWAITING_PICKUP, ShipmentStatus.PICKED_UP):
        return shipment.origin_hub
    return shipment.destination_hub or shipment.origin_hub


def hub_of(user: User, shipment: Shipment) -> Hub | None:
    """The hub on the parcel's route where the user works, if any."""
    return route_hubs(shipment).filter(staff=user).first()


# -- buyers and sellers ---------------------------------------------------------------------------


def shipment_get_for_tracking(user: User | None, code: str) -> Shipment:
    """The parcel a code names, for its order's buyer, the shop's owner, or someone who may
    scan it; ``NotFound`` for anyone else."""
    shipment = (
        Shipment.objects.filter(code=normalize_code(code))
        .exclude(order__status=OrderStatus.PENDING_PAYMENT)
        .select_related(*SHIPMENT_RELATED)
        .first()
    )
    if shipment is None or not _signed_in(user):
        raise NotFound()
    order = shipment.order
    if user.pk in (order.buyer_id, order.shop.owner_id) or may_scan(user, shipment):
        return shipment
    raise NotFound()


def shipment_get_for_seller(user: User | None, order_id: Any) -> Shipment:
    """The parcel of an order to one of the user's shops (its label, its packing slip)."""
    if not _signed_in(user):
        raise NotFound()
    shipment = (
        Shipment.objects.filter(order_id=_valid_id(order_id), order__shop__owner=user)
        .exclude(order__status=OrderStatus.PENDING_PAYMENT)
        .select_related(*SHIPMENT_RELATED)
        .first()
    )
    if shipment is None:
        raise NotFound()
    return shipment


def shipment_legs(shipment: Shipment) -> list[ShipmentLeg]:
    return list(shipment.legs.select_related("carrier").order_by("seq"))


def shipment_timeline(shipment: Shipment) -> list[TrackingEvent]:
    """The parcel's events, oldest first, with where they happened and who carried it."""
    return list(shipment.events.select_related("carrier", "hub").order_by("at", "pk"))
