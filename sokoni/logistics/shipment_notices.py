"""Text messages about a parcel's journey, to the person who receives it, in their language."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from sokoni.logistics.models import Shipment, TrackingEvent
from sokoni.logistics.notices import recipient_language
from sokoni.logistics.states import NOTIFIED, FailureReason, ShipmentStatus
from sokoni.orders.notices import notify_phone


def _body(shipment: Shipment, event: TrackingEvent) -> str:
    values = {
        "code": shipment.code,
        "number": shipment.order.number,
        "from": formats.date_format(shipment.promised_from, "SHORT_DATE_FORMAT"),
        "to": formats.date_format(shipment.promised_to, "SHORT_DATE_FORMAT"),
    }
    if event.kind == ShipmentStatus.PICKED_UP:
        return (
            _("Sokoni: parcel %(code)s (order %(number)s) is on its way, arriving %(from)s-%(to)s.")
            % values
        )
    if event.kind == ShipmentStatus.OUT_FOR_DELIVERY:
        return _("Sokoni: parcel %(code)s is out for delivery today.") % values
    if event.kind == ShipmentStatus.FAILED_ATTEMPT:
        return _(
            "Sokoni: we could not deliver parcel %(code)s (%(reason)s). We will try again."
        ) % {**values, "reason": FailureReason(event.failure).label}
    if event.kind == ShipmentStatus.DELIVERED:
        return _("Sokoni: parcel %(code)s (order %(number)s) was delivered.") % values
    if event.kind == ShipmentStatus.RETURNED:
        return (
            _(
                "Sokoni: parcel %(code)s could not be delivered and goes back to the seller; "
                "order %(number)s is refunded."
            )
            % values
        )
    return ""


def event_recorded(shipment: Shipment, event: TrackingEvent) -> None:
    """Queue the recipient's text for the important events (picked up, out for delivery,
    failed attempt, delivered, returned); the others are only on the timeline."""
    if event.kind not in NOTIFIED:
        return
    checkout = shipment.order.checkout
    if (
        event.kind == ShipmentStatus.DELIVERED
        and checkout.recipient_phone == shipment.order.buyer.phone
    ):
        return  # the order's own notice asks the buyer to confirm
    if shipment.centre_id is not None and event.kind in (
        ShipmentStatus.DELIVERED,
        ShipmentStatus.RETURNED,
    ):
        return  # the pickup notices tell about collection and return
    notify_phone(
        checkout.recipient_phone,
        recipient_language(shipment.order),
        lambda _language: _body(shipment, event),
        f"shipment:{shipment.pk}:{event.kind}:{event.pk}",
    )
