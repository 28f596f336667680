"""A parcel's stay at a service centre, and the moves allowed (STYLE.md section 5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class PickupStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting at the centre")
    COLLECTED = "collected", _("Collected")
    RETURNED = "returned", _("Not collected, going back to the seller")


TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    PickupStatus.WAITING: frozenset({PickupStatus.COLLECTED, PickupStatus.RETURNED}),
    PickupStatus.COLLECTED: frozenset(),
    PickupStatus.RETURNED: frozenset(),
}


class ShipmentStatus(models.TextChoices):
    """Where a parcel is. Each tracking event moves it to the status of the same name."""

    AWAITING_PICKUP = "awaiting_pickup", _("Waiting for the carrier")
    PICKED_UP = "picked_up", _("Picked up")
    AT_HUB = "at_hub", _("At the hub")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    FAILED_ATTEMPT = "failed_attempt", _("Delivery attempt failed")
    AT_CENTRE = "at_centre", _("Waiting at the service centre")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned to the seller")
    CANCELLED = "cancelled", _("Cancelled")


_S = ShipmentStatus
SHIPMENT_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    _S.AWAITING_PICKUP: frozenset({_S.PICKED_UP, _S.CANCELLED}),
    _S.PICKED_UP: frozenset({_S.AT_HUB, _S.IN_TRANSIT, _S.OUT_FOR_DELIVERY, _S.RETURNED}),
    _S.AT_HUB: frozenset(
        {_S.IN_TRANSIT, _S.OUT_FOR_DELIVERY, _S.AT_CENTRE, _S.DELIVERED, _S.RETURNED}
    ),
    _S.IN_TRANSIT: frozenset({_S.AT_HUB, _S.OUT_FOR_DELIVERY, _S.DELIVERED, _S.RETURNED}),
    _S.OUT_FOR_DELIVERY: frozenset({_S.DELIVERED, _S.FAILED_ATTEMPT, _S.AT_CENTRE, _S.RETURNED}),
    _S.FAILED_ATTEMPT: frozenset({_S.OUT_FOR_DELIVERY, _S.AT_HUB, _S.RETURNED}),
    # Collected with the pickup code (delivered) or never collected (returned).
    _S.AT_CENTRE: frozenset({_S.DELIVERED, _S.RETURNED}),
    _S.DELIVERED: frozenset(),
    _S.RETURNED: frozenset(),
    _S.CANCELLED: frozenset(),
}
# Events couriers and hub staff record; the others are recorded by Sokoni itself (the order's
# cancellation, the centre's check-in and hand-over with the pickup code).
SCANNABLE: Final = (
    _S.PICKED_UP,
    _S.AT_HUB,
    _S.IN_TRANSIT,
    _S.OUT_FOR_DELIVERY,
    _S.DELIVERED,
    _S.FAILED_ATTEMPT,
    _S.RETURNED,
)
# Events the buyer (or the recipient) is told about by SMS.
NOTIFIED: Final = frozenset(
    {_S.PICKED_UP, _S.OUT_FOR_DELIVERY, _S.FAILED_ATTEMPT, _S.DELIVERED, _S.RETURNED}
)
FINISHED: Final = frozenset({_S.DELIVERED, _S.RETURNED, _S.CANCELLED})


class FailureReason(models.TextChoices):
    NOBODY_HOME = "nobody_home", _("Nobody there to receive it")
    WRONG_ADDRESS = "wrong_address", _("Address wrong or not found")
    REFUSED = "refused", _("Refused by the recipient")
    NO_ACCESS = "no_access", _("Road or place not reachable")
    DAMAGED = "damaged", _("Parcel damaged")
    OTHER = "other", _("Another reason")


class RunStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    STARTED = "started", _("On the road")
    DONE = "done", _("Done")
