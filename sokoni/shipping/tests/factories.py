"""The delivery network in tests.

Every village a test makes is served by its country's test hub, on a free network (every leg
priced 0), so tests about other things see the totals they always saw. Tests about prices
and promises build their own priced network with ``priced_network``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.numbers import get_territory_currencies

from sokoni.shipping.models import (
    Carrier,
    Hub,
    HubVillage,
    RateBand,
    RateTable,
    Service,
    Zone,
)
from sokoni.shipping.states import CarrierKind, LegKind, ZoneKind

EVERYTHING_G = 2_000_000_000
EVERYWHERE_KM = 100_000


def test_hub(country: str = "KE") -> Hub:
    """The country's test hub and a free carrier for every leg there (made once)."""
    hub, created = Hub.objects.get_or_create(
        code=f"test-{country.lower()}",
        defaults={
            "name": f"Test hub {country}",
            "country": country,
            "region": "Test",
            "latitude": Decimal("-0.420000"),
            "longitude": Decimal("36.950000"),
        },
    )
    if created:
        carrier = Carrier.objects.create(name=f"Test post {country}", kind=CarrierKind.POST)
        for leg in LegKind.values:
            service = Service.objects.create(
                carrier=carrier,
                leg=leg,
                country=country,
                transit_min_days=1,
                transit_max_days=2,
                cutoff=dt.time(23, 59),
                works_saturday=True,
                works_sunday=True,
            )
            table = RateTable.objects.create(service=service, currency=currency(country))
            RateBand.objects.create(
                table=table,
                weight_from_g=0,
                weight_to_g=EVERYTHING_G,
                distance_from_km=0,
                distance_to_km=EVERYWHERE_KM,
                price_minor=0,
            )
    return hub


def currency(country: str) -> str:
    found = get_territory_currencies(country, tender=True, non_tender=False)
    return found[0] if found else "KES"


def serve(village, hub: Hub | None = None) -> HubVillage:
    """Link a village to a hub (its country's test hub by default)."""
    hub = hub or test_hub(village.country)
    link, _ = HubVillage.objects.update_or_create(village=village, defaults={"hub": hub})
    return link


def zone(kind: str = ZoneKind.NATIONAL, countries: str = "", code: str = "") -> Zone:
    return Zone.objects.create(
        code=code or f"{kind}-{Zone.objects.count()}", name=code or kind, kind=kind, countries=countries
    )


def grid(table: RateTable, weights: list[int], distances: list[int], prices: list[list[int]]):
    """Fill a rate table: ``weights`` and ``distances`` are the band edges after 0; prices[w][d]."""
    w_edges, d_edges = [0, *weights], [0, *distances]
    RateBand.objects.bulk_create(
        RateBand(
            table=table,
            weight_from_g=w_edges[i],
            weight_to_g=w_edges[i + 1],
            distance_from_km=d_edges[j],
            distance_to_km=d_edges[j + 1],
            price_minor=prices[i][j],
        )
        for i in range(len(weights))
        for j in range(len(distances))
    )
