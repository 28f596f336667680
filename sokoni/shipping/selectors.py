"""Reads of the delivery network for pages and forms."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from sokoni.shipping.geo import DEFAULT_ROAD_FACTOR
from sokoni.shipping.models import Hub, RoadFactor
from sokoni.shipping.network import network
from sokoni.shipping.states import ZoneKind
from sokoni.villages.countries import COUNTRY_CODES, country_choices, country_name


def road_factor_for(country: str, region: str) -> Decimal:
    """The region's road factor, else the country's, else the default."""
    factors = {
        f.region: f.factor
        for f in RoadFactor.objects.filter(country=country, region__in=[region, ""])
    }
    return factors.get(region) or factors.get("") or DEFAULT_ROAD_FACTOR


def hub_open(hub_id: object) -> Hub | None:
    """An open hub by id, or None (for any input)."""
    if isinstance(hub_id, bool) or not isinstance(hub_id, int):
        return None
    return Hub.objects.filter(pk=hub_id, is_active=True).first()


def country_has_hubs(country: str) -> bool:
    return Hub.objects.filter(country=country, is_active=True).exists()


@dataclass(frozen=True)
class Place:
    """A destination a buyer can choose: a town with a hub, or a country with none."""

    value: str  # "hub:<id>" or "country:<code>"
    label: str
    group: str


def destination_choices() -> list[Place]:
    """Towns with a hub, grouped by country, then the countries with no hub that an
    international zone lists (where couriers take parcels), by name."""
    net = network()
    hubs = list(net.hubs.values())
    with_hubs = {hub.country for hub in hubs}
    towns = sorted(
        (Place(f"hub:{h.pk}", h.name, country_name(h.country)) for h in hubs),
        key=lambda place: (place.group.casefold(), place.label.casefold()),
    )
    listed = {
        code for zone in net.zones if zone.kind == ZoneKind.INTERNATIONAL for code in zone.countries
    }
    abroad = _("Other countries")
    return towns + [
        Place(f"country:{code}", name, abroad)
        for code, name in country_choices()
        if code in listed and code not in with_hubs
    ]


def parse_destination(value: str) -> tuple[int | None, str] | None:
    """``hub:<id>`` or ``country:<code>`` as (hub id, country); None for anything else."""
    kind, _sep, rest = (value or "").partition(":")
    if kind == "hub" and rest.isdigit() and len(rest) < 10:
        return int(rest), ""
    if kind == "country" and rest.upper() in COUNTRY_CODES:
        return None, rest.upper()
    return None
