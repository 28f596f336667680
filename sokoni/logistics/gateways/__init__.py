"""The international couriers that take export parcels, chosen in settings.COURIER_GATEWAY."""

from __future__ import annotations

from django.conf import settings

from sokoni.logistics.gateways.base import CourierGateway, UnknownCourier
from sokoni.logistics.gateways.sandbox import SandboxCourier
from sokoni.logistics.models import Shipment, ShipmentLeg
from sokoni.shipping.models import Carrier
from sokoni.shipping.states import LegKind

GATEWAYS: dict[str, CourierGateway] = {gateway.code: gateway for gateway in (SandboxCourier(),)}


def gateway_get(code: str) -> CourierGateway:
    """The gateway registered under ``code``; ``UnknownCourier`` otherwise."""
    try:
        return GATEWAYS[code]
    except KeyError:
        raise UnknownCourier() from None


def gateway_for_carrier(carrier: Carrier) -> CourierGateway:
    """The gateway through which a carrier running export legs takes its parcels.

    International couriers are reached through the one configured gateway. A post or local
    carrier running an export leg (the test network's post does) hands its parcels to that
    same courier, so it is served by it too.
    """
    return gateway_get(settings.COURIER_GATEWAY)


def gateway_for_shipment(shipment: Shipment) -> CourierGateway | None:
    """The courier gateway of an export parcel (the carrier of its export leg); None when the
    parcel does not leave the country."""
    if not shipment.is_export:
        return None
    leg = (
        ShipmentLeg.objects.filter(shipment=shipment, kind=LegKind.EXPORT)
        .select_related("carrier")
        .first()
    )
    if leg is None:
        return None
    return gateway_for_carrier(leg.carrier)
