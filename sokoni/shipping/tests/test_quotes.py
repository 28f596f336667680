"""Quotes: legs along the hubs, priced by weight and road distance, cheapest carrier each."""

import datetime as dt
import math
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from sokoni.shipping.errors import NoRoute
from sokoni.shipping.geo import great_circle_km
from sokoni.shipping.models import Carrier, Hub, RateTable, RoadFactor, Service
from sokoni.shipping.quotes import Destination, quote
from sokoni.shipping.states import CarrierKind, LegKind, ZoneKind
from sokoni.shipping.tests.factories import grid, zone
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Africa/Nairobi"))  # a Tuesday
WEIGHTS = [1000, 5000, 30000]
DISTANCES = [20, 100, 300]


def prices(base: int) -> list[list[int]]:
    """base, +50 per distance band, x2 and x4 for heavier bands."""
    return [[(base + 50 * d) * f for d in range(3)] for f in (1, 2, 4)]


def service(carrier, leg, low=0, high=1, base=100, zone_=None, currency="KES", hubs=()):
    svc = Service.objects.create(
        carrier=carrier,
        leg=leg,
        country="KE",
        transit_min_days=low,
        transit_max_days=high,
    )
    svc.hubs.set(hubs)
    grid(
        RateTable.objects.create(service=svc, zone=zone_, currency=currency),
        WEIGHTS,
        DISTANCES,
        prices(base),
    )
    return svc


@pytest.fixture
def kenya():
    """Nyeri and Nairobi hubs; Othaya served by Nyeri; vans, post and courier."""
    nyeri = Hub.objects.create(
        code="nyeri",
        name="Nyeri",
        country="KE",
        region="Nyeri",
        latitude=Decimal("-0.4197"),
        longitude=Decimal("36.9476"),
    )
    nairobi = Hub.objects.create(
        code="nairobi",
        name="Nairobi",
        country="KE",
        region="Nairobi",
        latitude=Decimal("-1.2864"),
        longitude=Decimal("36.8172"),
    )
    othaya = VillageFactory(
        name="Othaya",
        region="Nyeri",
        latitude=Decimal("-0.5467"),
        longitude=Decimal("36.9443"),
        hub=nyeri,
    )
    RoadFactor.objects.create(country="KE", region="Nyeri", factor=Decimal("1.20"))
    vans = Carrier.objects.create(name="Sokoni vans", kind=CarrierKind.OWN_FLEET)
    post = Carrier.objects.create(name="Posta", kind=CarrierKind.POST)
    courier = Carrier.objects.create(name="Boda courier", kind=CarrierKind.COURIER)
    service(vans, LegKind.FIRST_MILE, 0, 1, base=100)
    service(post, LegKind.LINE_HAUL, 1, 2, base=200)
    service(courier, LegKind.LAST_MILE, 0, 1, base=150)
    service(vans, LegKind.CENTRE, 0, 1, base=80)
    return {"nyeri": nyeri, "nairobi": nairobi, "othaya": othaya, "vans": vans, "post": post}


def to(hub):
    return Destination(country=hub.country, hub_id=hub.pk, label=hub.name)


def road(a, b, factor):
    return math.ceil(
        great_circle_km(
            (float(a.latitude), float(a.longitude)), (float(b.latitude), float(b.longitude))
        )
        * factor
    )


def test_an_address_in_another_town_goes_village_hub_hub_address(kenya):
    # when
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=to(kenya["nairobi"]),
        weight_g=2500,
        volume_cm3=1000,
        currency="KES",
        now=NOW,
    )
    # then: 2.5 kg is the second weight band; first mile 17 km, line haul ~130 km
    assert [leg.leg for leg in q.legs] == ["first_mile", "line_haul", "last_mile"]
    first, haul, last = q.legs
    assert first.distance_km == road(kenya["othaya"], kenya["nyeri"], 1.2) == 17
    assert haul.distance_km == road(kenya["nyeri"], kenya["nairobi"], 1.2)  # Nyeri's factor
    assert 100 <= haul.distance_km < 300
    assert (first.cost_minor, haul.cost_minor, last.cost_minor) == (2 * 100, 2 * 300, 2 * 150)
    assert q.cost_minor == q.price_minor == 1100
    assert (q.earliest, q.latest) == (dt.date(2026, 12, 2), dt.date(2026, 12, 7))
    assert q.zone_kind == ""  # no zones configured: tables for every zone apply
    assert q.origin_hub_id == kenya["nyeri"].pk
    assert q.destination_hub_id == kenya["nairobi"].pk


def test_within_one_hub_area_there_is_no_line_haul_and_the_local_zone_applies(kenya):
    local = zone(ZoneKind.LOCAL, code="local")
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=to(kenya["nyeri"]),
        weight_g=500,
        volume_cm3=0,
        currency="KES",
        now=NOW,
    )
    assert [leg.leg for leg in q.legs] == ["first_mile", "last_mile"]
    assert q.cost_minor == 100 + 150
    assert q.zone_id == local.pk


def test_pickup_at_a_centre_is_priced_for_the_leg_to_the_centre(kenya):
    village = VillageFactory(
        name="Karima", latitude=Decimal("-0.6500"), longitude=Decimal("36.9000"), hub=kenya["nyeri"]
    )
    centre = ServiceCentreFactory(village=village, latitude=None, longitude=None)
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=Destination(country="KE", centre_id=centre.pk),
        weight_g=800,
        volume_cm3=0,
        currency="KES",
        now=NOW,
    )
    assert [leg.leg for leg in q.legs] == ["first_mile", "centre"]
    assert q.legs[1].distance_km == road(kenya["nyeri"], village, 1.2)  # the village's point
    assert q.cost_minor == 100 + (80 + 50 * (1 if q.legs[1].distance_km >= 20 else 0))


def test_the_shop_pays_delivery_over_its_free_threshold(kenya):
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=to(kenya["nairobi"]),
        weight_g=500,
        volume_cm3=0,
        currency="KES",
        goods_minor=500_000,
        free_over_minor=500_000,
        now=NOW,
    )
    assert q.free
    assert q.price_minor == 0
    assert q.cost_minor == 100 + 300 + 150
    below = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=to(kenya["nairobi"]),
        weight_g=500,
        volume_cm3=0,
        currency="KES",
        goods_minor=499_999,
        free_over_minor=500_000,
        now=NOW,
    )
    assert not below.free
    assert below.price_minor == below.cost_minor


def test_bulky_light_parcels_pay_their_volumetric_weight(kenya):
    """10 litres of dried flowers weighing 300 g are charged as 2 kg (10,000 cm3 / 5,000)."""
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=to(kenya["nyeri"]),
        weight_g=300,
        volume_cm3=10_000,
        currency="KES",
        now=NOW,
    )
    assert q.weight_g == 2000
    assert q.cost_minor == 2 * 100 + 2 * 150


def test_the_cheapest_carrier_serves_each_leg(kenya):
    cheap = Carrier.objects.create(name="Matatu parcels", kind=CarrierKind.COURIER)
    service(cheap, LegKind.LINE_HAUL, 2, 4, base=120)
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=to(kenya["nairobi"]),
        weight_g=500,
        volume_cm3=0,
        currency="KES",
        now=NOW,
    )
    assert q.legs[1].carrier == "Matatu parcels"
    assert q.legs[1].cost_minor == 220
    assert q.latest == dt.date(2026, 12, 9)  # the slower carrier's promise


def test_a_service_limited_to_other_hubs_is_not_used(kenya):
    mombasa = Hub.objects.create(
        code="mombasa",
        name="Mombasa",
        country="KE",
        region="Coast",
        latitude=Decimal("-4.04"),
        longitude=Decimal("39.66"),
    )
    service(
        Carrier.objects.create(name="Coast vans", kind=CarrierKind.OWN_FLEET),
        LegKind.FIRST_MILE,
        base=1,
        hubs=[mombasa],
    )
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=to(kenya["nyeri"]),
        weight_g=500,
        volume_cm3=0,
        currency="KES",
        now=NOW,
    )
    assert q.legs[0].carrier == "Sokoni vans"


def test_a_table_for_the_zone_wins_over_the_table_for_every_zone(kenya):
    national = zone(ZoneKind.NATIONAL, code="national")
    svc = Service.objects.get(leg=LegKind.LINE_HAUL)
    grid(
        RateTable.objects.create(service=svc, zone=national, currency="KES"),
        WEIGHTS,
        DISTANCES,
        prices(1000),
    )
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=to(kenya["nairobi"]),
        weight_g=500,
        volume_cm3=0,
        currency="KES",
        now=NOW,
    )
    assert q.zone_id == national.pk
    assert q.legs[1].cost_minor == 1100


def test_abroad_goes_by_international_courier_priced_by_zone(kenya):
    europe = zone(ZoneKind.INTERNATIONAL, countries="DE FR GB", code="europe")
    zone(ZoneKind.INTERNATIONAL, countries="", code="world")
    dhl = Carrier.objects.create(name="Sandbox Express", kind=CarrierKind.INTERNATIONAL)
    svc = Service.objects.create(
        carrier=dhl, leg=LegKind.EXPORT, country="KE", transit_min_days=3, transit_max_days=6
    )
    grid(
        RateTable.objects.create(service=svc, zone=europe, currency="KES"),
        [2000, 20000],
        [100_000],
        [[4000], [9000]],
    )
    q = quote(
        origin_village_id=kenya["othaya"].pk,
        destination=Destination(country="DE", label="Berlin"),
        weight_g=1500,
        volume_cm3=0,
        currency="KES",
        now=NOW,
    )
    assert [leg.leg for leg in q.legs] == ["first_mile", "export"]
    assert q.zone_id == europe.pk
    assert q.cost_minor == 2 * 100 + 4000  # 1.5 kg: second band
    with pytest.raises(NoRoute, match=r"No carrier takes a 1\.5 kg parcel"):
        quote(
            origin_village_id=kenya["othaya"].pk,
            destination=Destination(country="US"),
            weight_g=1500,
            volume_cm3=0,
            currency="KES",
            now=NOW,
        )


@pytest.mark.parametrize(
    ("weight_g", "says"),
    [(30_000, "No carrier takes a 30.0 kg parcel from Othaya to Nyeri")],
)
def test_a_parcel_heavier_than_every_band_is_refused(kenya, weight_g, says):
    with pytest.raises(NoRoute, match=re.escape(says)):
        quote(
            origin_village_id=kenya["othaya"].pk,
            destination=to(kenya["nairobi"]),
            weight_g=weight_g,
            volume_cm3=0,
            currency="KES",
            now=NOW,
        )


def test_a_village_with_no_hub_cannot_ship(kenya):
    lonely = VillageFactory(hub=False)
    with pytest.raises(NoRoute, match="no delivery hub"):
        quote(
            origin_village_id=lonely.pk,
            destination=to(kenya["nyeri"]),
            weight_g=500,
            volume_cm3=0,
            currency="KES",
            now=NOW,
        )


@pytest.mark.parametrize(
    "destination",
    [
        Destination(country="KE"),  # no town
        Destination(country="KE", hub_id=999_999),  # no such hub
        Destination(country="UG", hub_id=None, centre_id=999_999),  # no such centre
    ],
)
def test_unknown_destinations_are_refused(kenya, destination):
    with pytest.raises(NoRoute):
        quote(
            origin_village_id=kenya["othaya"].pk,
            destination=destination,
            weight_g=500,
            volume_cm3=0,
            currency="KES",
            now=NOW,
        )


def test_a_closed_hub_stops_delivery_from_its_villages(kenya):
    Hub.objects.filter(pk=kenya["nyeri"].pk).update(is_active=False)
    with pytest.raises(NoRoute, match="no delivery hub"):
        quote(
            origin_village_id=kenya["othaya"].pk,
            destination=to(kenya["nairobi"]),
            weight_g=500,
            volume_cm3=0,
            currency="KES",
            now=NOW,
        )
