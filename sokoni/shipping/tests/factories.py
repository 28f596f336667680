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


def network_hub(country: str = "KE") -> Hub:
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
            _free_service(carrier, leg, country)
    return hub


def _free_service(
    carrier: Carrier, leg: str, country: str, hub: Hub | None = None, price: int = 0
) -> Service:
    """A service at ``hub`` (every hub of the country if None), with one band for any weight
    and distance at ``price``."""
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
    if hub is not None:
        service.hubs.add(hub)
    table = RateTable.objects.create(service=service, currency=currency(country))
    RateBand.objects.create(
        table=table,
        weight_from_g=0,
        weight_to_g=EVERYTHING_G,
        distance_from_km=0,
        distance_to_km=EVERYWHERE_KM,
        price_minor=price,
    )
    return service


def flat_fee(village, fee_minor: int) -> Hub:
    """Serve ``village`` from a hub of its own whose first mile costs ``fee_minor`` (in the
    country's currency) for any parcel, and whose parcels reach the test hub for free: the old
    flat delivery fee per shop, as a network."""
    country = village.country
    main = network_hub(country)
    hub = Hub.objects.create(
        code=f"flat-{village.pk}",
        name=f"Depot of {village.name}",
        country=country,
        region="Test",
        latitude=main.latitude,
        longitude=main.longitude,
    )
    carrier = Carrier.objects.create(name=f"Vans of {village.name}", kind=CarrierKind.OWN_FLEET)
    _free_service(carrier, LegKind.FIRST_MILE, country, hub, price=fee_minor)
    # The free first mile of the test post serves every other hub, not this one.
    for service in Service.objects.filter(
        carrier__name=f"Test post {country}", leg=LegKind.FIRST_MILE
    ):
        service.hubs.set(Hub.objects.filter(country=country).exclude(code__startswith="flat-"))
    serve(village, hub)
    return hub


def currency(country: str) -> str:
    found = get_territory_currencies(country, tender=True, non_tender=False)
    return found[0] if found else "KES"


def serve(village, hub: Hub | None = None) -> HubVillage:
    """Link a village to a hub (its country's test hub by default)."""
    hub = hub or network_hub(village.country)
    link, _ = HubVillage.objects.update_or_create(village=village, defaults={"hub": hub})
    return link


def zone(kind: str = ZoneKind.NATIONAL, countries: str = "", code: str = "") -> Zone:
    code = code or f"{kind}-{Zone.objects.count()}"
    return Zone.objects.create(code=code, name=code, kind=kind, countries=countries)


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


network_hub.__test__ = False  # type: ignore[attr-defined]  # a factory, not a test
test_hub = network_hub


def shop_with_fee(fee_minor: int, **fields):
    """A shop (ShopFactory ``fields``) whose parcels cost ``fee_minor`` to deliver."""
    from sokoni.catalog.tests.factories import ShopFactory

    shop = ShopFactory(**fields)
    if fee_minor:
        flat_fee(shop.village, fee_minor)
    return shop
