"""Pricing a parcel and promising its delivery dates, before checkout and at checkout.

A parcel travels in legs: from the seller's village to the hub that serves it (first mile),
from that hub to the buyer's hub (line haul, when they differ), then to the buyer's address or
service centre (last mile); or from the seller's hub abroad by international courier. Each leg
is served by the cheapest active carrier service whose rate table has a price for the parcel's
chargeable weight over the leg's road distance; the quote is the sum of the legs, in the
shop's currency, and the promise chains the legs' transit times, cut-offs and working days.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from sokoni.core.money import Money
from sokoni.payments.fx import fx_convert
from sokoni.shipping.errors import NoRoute
from sokoni.shipping.geo import road_km, valid_point
from sokoni.shipping.models import HubVillage
from sokoni.shipping.network import HubInfo, Network, ServiceInfo, ZoneInfo, network
from sokoni.shipping.promise import Calendar, LegTiming, promise
from sokoni.shipping.rates import price_in
from sokoni.shipping.states import LegKind, ZoneKind
from sokoni.villages.models import ServiceCentre

# Couriers charge the larger of the real weight and the volumetric weight (5,000 cm3 per kg).
VOLUMETRIC_CM3_PER_KG = 5000
# A parcel's packaging, when the seller gave no dimensions: about 250 kg per cubic metre.
DEFAULT_CM3_PER_G = 4


def chargeable_weight_g(weight_g: int, volume_cm3: int) -> int:
    return max(weight_g, math.ceil(volume_cm3 * 1000 / VOLUMETRIC_CM3_PER_KG), 1)


@dataclass(frozen=True)
class Destination:
    """Where a parcel goes: a town served by a hub (delivery to an address there), a service
    centre (pickup), or a country with no hub on Sokoni (delivery abroad)."""

    country: str
    hub_id: int | None = None
    centre_id: int | None = None
    label: str = ""

    @property
    def is_pickup(self) -> bool:
        return self.centre_id is not None


@dataclass(frozen=True)
class LegQuote:
    leg: str
    service_id: int
    carrier_id: int
    carrier: str
    origin: str
    destination: str
    distance_km: int
    cost_minor: int
    transit_min_days: int
    transit_max_days: int


@dataclass(frozen=True)
class Quote:
    currency: str
    cost_minor: int  # what the carriers charge, in the shop's currency
    price_minor: int  # what the buyer pays: the cost, or 0 over the shop's free threshold
    free: bool
    earliest: dt.date
    latest: dt.date
    zone_id: int | None
    zone_kind: str
    origin_hub_id: int
    destination_hub_id: int | None
    weight_g: int  # chargeable: the larger of the real and the volumetric weight
    volume_cm3: int = 0
    legs: tuple[LegQuote, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        """The quote as stored on the order, so later price changes never rewrite it."""
        data = asdict(self)
        data["earliest"], data["latest"] = self.earliest.isoformat(), self.latest.isoformat()
        data["legs"] = [asdict(leg) for leg in self.legs]
        return data


# -- the network, read for one quote ----------------------------------------------------------


def _point(obj: Any) -> tuple[float, float]:
    return float(obj.latitude), float(obj.longitude)


def _calendar(net: Network, service: ServiceInfo) -> Calendar:
    return Calendar(
        service.works_saturday, service.works_sunday, net.holidays.get(service.country, frozenset())
    )


@dataclass
class _Leg:
    kind: str
    country: str
    hub: HubInfo
    origin: str
    destination: str
    distance_km: int


def _cheapest(
    net: Network, leg: _Leg, zone: ZoneInfo | None, weight_g: int, currency: str
) -> tuple[ServiceInfo, int] | None:
    best: tuple[ServiceInfo, int] | None = None
    for service in net.services.get((leg.kind, leg.country), []):
        if not service.serves(leg.hub.pk):
            continue
        table = service.tables.get(zone.pk if zone else None) or service.tables.get(None)
        if table is None:
            continue
        price = price_in(table.bands, weight_g, leg.distance_km)
        if price is None:
            continue
        if price and table.currency != currency:
            price = fx_convert(Money(price, table.currency), currency).money.minor
        rank = (price, service.transit_max_days, service.pk)
        if best is None or rank < (best[1], best[0].transit_max_days, best[0].pk):
            best = (service, price)
    return best


def _refuse_leg(leg: _Leg, weight_g: int) -> NoRoute:
    return NoRoute(
        _("No carrier takes a %(kg)s kg parcel from %(origin)s to %(destination)s.")
        % {
            "kg": f"{weight_g / 1000:.1f}",
            "origin": leg.origin,
            "destination": leg.destination,
        },
        field="delivery",
        leg=leg.kind,
    )


def quote(
    *,
    origin_village_id: int,
    destination: Destination,
    weight_g: int,
    volume_cm3: int,
    currency: str,
    goods_minor: int = 0,
    free_over_minor: int | None = None,
    now: dt.datetime,
) -> Quote:
    """Price one shop's parcel to ``destination`` and promise its dates, or raise ``NoRoute``
    naming what is missing (a village with no hub, a place with no coordinates, no carrier
    for a leg or for that weight)."""
    net = network()
    link = HubVillage.objects.select_related("village").filter(village_id=origin_village_id).first()
    origin_hub = net.hubs.get(link.hub_id) if link is not None else None
    if link is None or origin_hub is None:
        raise NoRoute(_("This village has no delivery hub yet."), field="delivery")
    village = link.village
    if not valid_point(village.latitude, village.longitude):
        raise NoRoute(_("This village has no known location."), field="delivery")
    weight = chargeable_weight_g(weight_g, volume_cm3)
    legs = [
        _Leg(
            LegKind.FIRST_MILE,
            origin_hub.country,
            origin_hub,
            village.name,
            origin_hub.name,
            road_km(
                _point(village),
                _point(origin_hub),
                net.road_factor(village.country, village.region),
            ),
        )
    ]
    destination_hub: HubInfo | None = None
    if destination.country != origin_hub.country:
        zone = net.zone(ZoneKind.INTERNATIONAL, destination.country)
        legs.append(
            _Leg(
                LegKind.EXPORT,
                origin_hub.country,
                origin_hub,
                origin_hub.name,
                destination.label or destination.country,
                0,
            )
        )
    else:
        destination_hub = _destination_hub(net, destination)
        zone = net.zone(
            ZoneKind.LOCAL if destination_hub.pk == origin_hub.pk else ZoneKind.NATIONAL,
            destination.country,
        )
        if destination_hub.pk != origin_hub.pk:
            legs.append(
                _Leg(
                    LegKind.LINE_HAUL,
                    origin_hub.country,
                    origin_hub,
                    origin_hub.name,
                    destination_hub.name,
                    road_km(
                        _point(origin_hub),
                        _point(destination_hub),
                        net.road_factor(origin_hub.country, origin_hub.region),
                    ),
                )
            )
        legs.append(_last_leg(net, destination, destination_hub))
    priced: list[tuple[_Leg, ServiceInfo, int]] = []
    for leg in legs:
        found = _cheapest(net, leg, zone, weight, currency)
        if found is None:
            raise _refuse_leg(leg, weight)
        priced.append((leg, found[0], found[1]))
    earliest, latest = promise(
        now,
        [
            LegTiming(s.transit_min_days, s.transit_max_days, s.cutoff, _calendar(net, s))
            for _, s, _ in priced
        ],
        country=origin_hub.country,
    )
    cost = sum(price for _, _, price in priced)
    free = free_over_minor is not None and goods_minor >= free_over_minor
    return Quote(
        currency=currency,
        cost_minor=cost,
        price_minor=0 if free else cost,
        free=free,
        earliest=earliest,
        latest=latest,
        zone_id=zone.pk if zone else None,
        zone_kind=zone.kind if zone else "",
        origin_hub_id=origin_hub.pk,
        destination_hub_id=destination_hub.pk if destination_hub else None,
        weight_g=weight,
        volume_cm3=volume_cm3,
        legs=tuple(
            LegQuote(
                leg=leg.kind,
                service_id=service.pk,
                carrier_id=service.carrier_id,
                carrier=service.carrier,
                origin=leg.origin,
                destination=leg.destination,
                distance_km=leg.distance_km,
                cost_minor=price,
                transit_min_days=service.transit_min_days,
                transit_max_days=service.transit_max_days,
            )
            for leg, service, price in priced
        ),
    )


def _centre(destination: Destination) -> ServiceCentre:
    if destination.centre_id is None:
        raise NoRoute(_("Choose a service centre."), field="delivery")
    centre = (
        ServiceCentre.objects.select_related("village")
        .filter(pk=destination.centre_id, is_active=True)
        .first()
    )
    if centre is None:
        raise NoRoute(_("Choose a service centre."), field="delivery")
    return centre


def _destination_hub(net: Network, destination: Destination) -> HubInfo:
    if destination.is_pickup:
        centre = _centre(destination)
        hub_id = (
            HubVillage.objects.filter(village_id=centre.village_id)
            .values_list("hub_id", flat=True)
            .first()
        )
        found = net.hubs.get(hub_id) if hub_id is not None else None
        if found is None:
            raise NoRoute(
                _("That service centre's village has no delivery hub yet."), field="delivery"
            )
        return found
    hub = net.hubs.get(destination.hub_id) if destination.hub_id is not None else None
    if hub is None or hub.country != destination.country:
        raise NoRoute(_("Choose the town to deliver to."), field="delivery")
    return hub


def _last_leg(net: Network, destination: Destination, hub: HubInfo) -> _Leg:
    if not destination.is_pickup:
        return _Leg(LegKind.LAST_MILE, hub.country, hub, hub.name, destination.label or hub.name, 0)
    centre = _centre(destination)
    place = (
        centre if centre.latitude is not None and centre.longitude is not None else centre.village
    )
    if not valid_point(place.latitude, place.longitude):
        raise NoRoute(_("That service centre has no known location."), field="delivery")
    point = _point(place)
    return _Leg(
        LegKind.CENTRE,
        hub.country,
        hub,
        hub.name,
        destination.label or centre.name,
        road_km(_point(hub), point, net.road_factor(hub.country, hub.region)),
    )
