"""The delivery network as one read-only snapshot, for quoting without a dozen queries.

Hubs, carriers' services with their rate tables, zones, road factors and holidays change a few
times a year and are read on every product page; a process keeps them for
SHIPPING_NETWORK_CACHE_SECONDS (0 reads them afresh every time, as tests do). Saving through
the admin or ``rate_table_set`` forgets this process's copy at once; other processes see the
change within that many seconds.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from sokoni.shipping.geo import DEFAULT_ROAD_FACTOR
from sokoni.shipping.models import Holiday, Hub, RateBand, RoadFactor, Service, Zone
from sokoni.shipping.rates import Band
from sokoni.shipping.states import ZoneKind


@dataclass(frozen=True)
class HubInfo:
    pk: int
    name: str
    country: str
    region: str
    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True)
class Table:
    currency: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class ServiceInfo:
    pk: int
    carrier_id: int
    carrier: str
    leg: str
    country: str
    hub_ids: frozenset[int]  # empty: every hub of the country
    transit_min_days: int
    transit_max_days: int
    cutoff: dt.time
    works_saturday: bool
    works_sunday: bool
    tables: dict[int | None, Table] = field(default_factory=dict)

    def serves(self, hub_id: int) -> bool:
        return not self.hub_ids or hub_id in self.hub_ids


@dataclass(frozen=True)
class ZoneInfo:
    pk: int
    kind: str
    countries: frozenset[str]


@dataclass
class Network:
    hubs: dict[int, HubInfo]
    services: dict[tuple[str, str], list[ServiceInfo]]
    zones: list[ZoneInfo]
    road_factors: dict[tuple[str, str], Decimal]
    holidays: dict[str, frozenset[dt.date]]

    def road_factor(self, country: str, region: str) -> Decimal:
        return (
            self.road_factors.get((country, region))
            or self.road_factors.get((country, ""))
            or DEFAULT_ROAD_FACTOR
        )

    def zone(self, kind: str, country: str) -> ZoneInfo | None:
        zones = [z for z in self.zones if z.kind == kind]
        if kind != ZoneKind.INTERNATIONAL:
            return zones[0] if zones else None
        listed = [z for z in zones if country in z.countries]
        rest = [z for z in zones if not z.countries]
        found = listed or rest
        return found[0] if found else None


def _load() -> Network:
    hubs = {
        h.pk: HubInfo(h.pk, h.name, h.country, h.region, h.latitude, h.longitude)
        for h in Hub.objects.filter(is_active=True)
    }
    bands: dict[int, list[Band]] = defaultdict(list)
    for b in RateBand.objects.order_by("weight_from_g", "distance_from_km"):
        bands[b.table_id].append(
            Band(
                b.weight_from_g, b.weight_to_g, b.distance_from_km, b.distance_to_km, b.price_minor
            )
        )
    services: dict[tuple[str, str], list[ServiceInfo]] = defaultdict(list)
    for s in (
        Service.objects.filter(is_active=True, carrier__is_active=True)
        .select_related("carrier")
        .prefetch_related("hubs", "rate_tables")
        .order_by("pk")
    ):
        services[(s.leg, s.country)].append(
            ServiceInfo(
                pk=s.pk,
                carrier_id=s.carrier_id,
                carrier=s.carrier.name,
                leg=s.leg,
                country=s.country,
                hub_ids=frozenset(h.pk for h in s.hubs.all()),
                transit_min_days=s.transit_min_days,
                transit_max_days=s.transit_max_days,
                cutoff=s.cutoff,
                works_saturday=s.works_saturday,
                works_sunday=s.works_sunday,
                tables={
                    t.zone_id: Table(t.currency, tuple(bands[t.pk])) for t in s.rate_tables.all()
                },
            )
        )
    holidays: dict[str, set[dt.date]] = defaultdict(set)
    for holiday in Holiday.objects.all().only("country", "date"):
        holidays[holiday.country].add(holiday.date)
    return Network(
        hubs=hubs,
        services=dict(services),
        zones=[
            ZoneInfo(z.pk, z.kind, frozenset(z.country_list)) for z in Zone.objects.order_by("pk")
        ],
        road_factors={(f.country, f.region): f.factor for f in RoadFactor.objects.all()},
        holidays={country: frozenset(days) for country, days in holidays.items()},
    )


_lock = threading.Lock()
_cached: tuple[float, Network] | None = None


def network() -> Network:
    """The current network (from this process's copy while it is fresh)."""
    global _cached
    ttl = settings.SHIPPING_NETWORK_CACHE_SECONDS
    if ttl <= 0:
        return _load()
    now = time.monotonic()
    with _lock:
        if _cached is not None and now - _cached[0] < ttl:
            return _cached[1]
    loaded = _load()
    with _lock:
        _cached = (now, loaded)
    return loaded


def network_forget() -> None:
    """Drop this process's copy (after staff change the network)."""
    global _cached
    with _lock:
        _cached = None
