"""The demo delivery network (issue 5): what a newcomer needs to see delivery priced and promised.

For every demo country: hubs in real towns near the demo villages, each village served by its
nearest hub; Sokoni's own vans (first mile, service-centre legs), a local courier (last mile,
and a faster but dearer line haul) and the national post (line haul, cheaper and slower, up to
30 kg); an international courier (the sandbox) for exports. Zones, full rate grids in each
country's currency (international ones in US dollars), road factors per region and the public
holidays of the coming year. The Nyeri hub (serving Othaya) and the Suining hub (serving
Dongfeng) have vehicles, demo drivers and, at Nyeri, a demo hub clerk.

Carrier names are invented, like the people and shops; towns and their coordinates are real.
Rate tables are written through ``shipping.services.rate_table_set``, which refuses a grid with
a gap or an overlap. ``seed_network`` runs after the villages exist and before any demo checkout
(checkouts price delivery with this network). ``ParcelStory`` then moves demo parcels along
their routes through ``shipment_record``, as the couriers' scans would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from unittest import mock

from django.db import transaction

from sokoni.accounts.models import User
from sokoni.core.money import currency_exponent
from sokoni.logistics.models import Shipment, Vehicle
from sokoni.logistics.shipments import shipment_for_scanner, shipment_record
from sokoni.orders.models import Order
from sokoni.shipping.geo import great_circle_km
from sokoni.shipping.models import (
    Carrier,
    Holiday,
    Hub,
    HubVillage,
    RateTable,
    RoadFactor,
    Service,
    Zone,
)
from sokoni.shipping.rates import Band
from sokoni.shipping.services import rate_table_set
from sokoni.shipping.states import CarrierKind, LegKind, ZoneKind
from sokoni.villages.countries import country_name
from sokoni.villages.models import Village

# -- the data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HubSpec:
    code: str
    name: str
    region: str  # as the villages and road factors spell it
    latitude: str
    longitude: str
    address: str


@dataclass(frozen=True)
class Timing:
    """A service's transit (working days), cut-off and working days."""

    fastest: int
    slowest: int
    cutoff: dt.time = dt.time(14, 0)
    saturday: bool = False
    sunday: bool = False


@dataclass(frozen=True)
class CountryNetwork:
    country: str
    currency: str
    hubs: tuple[HubSpec, ...]
    courier: str  # the local courier's name
    post: str  # the national post's name
    # Price of the cheapest cell (up to 1 kg, up to 20 km) in major units, per service.
    van_price: str
    courier_haul_price: str
    post_haul_price: str
    last_mile_price: str
    van: Timing
    courier_haul: Timing
    post_haul: Timing
    last_mile: Timing
    export: Timing
    export_from: str  # a key of EXPORT_USD
    road: Mapping[str, str]  # region ("" for the whole country) -> road factor
    holidays: tuple[tuple[str, str], ...]
    collect: tuple[dt.time, dt.time] = (dt.time(9, 0), dt.time(16, 0))  # village window
    hours: tuple[dt.time, dt.time] = (dt.time(7, 0), dt.time(18, 0))  # hub opening hours
    driver: str = ""  # the own fleet's driver ("@role" for a demo account)
    rider: str = ""  # the local courier's rider ("@role" for a demo account)


T = dt.time
# Weight bands (grams, up to) and distance bands (km, up to), with the price factor of each.
WEIGHTS: Final = ((1_000, "1"), (5_000, "1.6"), (10_000, "2.4"), (30_000, "4"), (100_000, "7"))
POST_WEIGHTS: Final = WEIGHTS[:4]  # the post takes parcels up to 30 kg
DISTANCES: Final = ((20, "1"), (100, "1.35"), (300, "1.9"), (1_000, "2.8"), (5_000, "4.2"))
EXPORT_WEIGHTS: Final = (
    (1_000, "1"),
    (5_000, "1.8"),
    (10_000, "3"),
    (30_000, "5.5"),
    (100_000, "11"),
)
ANYWHERE: Final = ((100_000, "1"),)  # international tables have one distance band
LOCAL_DISCOUNT: Final = Decimal("0.8")  # last mile within one hub's area

# Zones: code, name, kind, destination countries (the last international one: the rest).
ZONES: Final = (
    ("local", "Local (within one hub's area)", ZoneKind.LOCAL, ""),
    ("national", "National (between hubs of one country)", ZoneKind.NATIONAL, ""),
    ("east-africa", "East Africa", ZoneKind.INTERNATIONAL, "KE TZ UG RW BI SS ET SO DJ ER"),
    (
        "europe",
        "Europe",
        ZoneKind.INTERNATIONAL,
        "GB IE FR DE NL BE LU PT ES IT CH AT DK SE NO FI PL CZ GR",
    ),
    ("north-america", "North America", ZoneKind.INTERNATIONAL, "US CA MX"),
    (
        "asia",
        "Asia",
        ZoneKind.INTERNATIONAL,
        "CN KR JP IN KH TH VN MY SG ID PH BD LK NP HK TW",
    ),
    ("latin-america", "Latin America", ZoneKind.INTERNATIONAL, "PE BO BR AR CL CO EC UY PY"),
    ("rest-of-world", "Rest of the world", ZoneKind.INTERNATIONAL, ""),
)
# International courier, US dollars for a parcel up to 1 kg, by where it leaves from and zone.
EXPORT_USD: Final[dict[str, dict[str, int]]] = {
    "east-africa": {
        "east-africa": 12,
        "europe": 24,
        "north-america": 28,
        "asia": 26,
        "latin-america": 34,
        "rest-of-world": 32,
    },
    "west-africa": {
        "east-africa": 26,
        "europe": 16,
        "north-america": 24,
        "asia": 30,
        "latin-america": 26,
        "rest-of-world": 28,
    },
    "asia": {
        "east-africa": 20,
        "europe": 20,
        "north-america": 22,
        "asia": 10,
        "latin-america": 30,
        "rest-of-world": 28,
    },
    "andes": {
        "east-africa": 34,
        "europe": 24,
        "north-america": 18,
        "asia": 30,
        "latin-america": 12,
        "rest-of-world": 28,
    },
}
INTERNATIONAL_COURIER: Final = "Kasi International Express (sandbox)"
EXPORT_CURRENCY: Final = "USD"

NETWORK: Final[tuple[CountryNetwork, ...]] = (
    CountryNetwork(
        country="KE",
        currency="KES",
        hubs=(
            HubSpec("nyeri", "Nyeri", "Nyeri", "-0.420100", "36.947600", "Kimathi Way, Nyeri"),
            HubSpec(
                "nairobi",
                "Nairobi",
                "Nairobi",
                "-1.307000",
                "36.851000",
                "Enterprise Road, Industrial Area, Nairobi",
            ),
            HubSpec(
                "mombasa", "Mombasa", "Mombasa", "-4.043500", "39.668200", "Moi Avenue, Mombasa"
            ),
            HubSpec("kisumu", "Kisumu", "Kisumu", "-0.091700", "34.768000", "Obote Road, Kisumu"),
        ),
        courier="Haraka Couriers",
        post="Kenya national post",
        van_price="60",
        courier_haul_price="180",
        post_haul_price="100",
        last_mile_price="80",
        van=Timing(0, 1, T(14, 0), saturday=True),
        courier_haul=Timing(1, 2, T(15, 0), saturday=True),
        post_haul=Timing(2, 3, T(12, 0)),
        last_mile=Timing(0, 1, T(16, 0), saturday=True),
        export=Timing(4, 7, T(12, 0)),
        export_from="east-africa",
        road={"": "1.35", "Nyeri": "1.5", "Nairobi": "1.3"},
        holidays=(
            ("2026-12-12", "Jamhuri Day"),
            ("2026-12-25", "Christmas Day"),
            ("2026-12-26", "Boxing Day"),
            ("2027-01-01", "New Year's Day"),
            ("2027-03-26", "Good Friday"),
            ("2027-03-29", "Easter Monday"),
            ("2027-05-01", "Labour Day"),
            ("2027-06-01", "Madaraka Day"),
            ("2027-10-10", "Mazingira Day"),
            ("2027-10-20", "Mashujaa Day"),
            ("2027-12-12", "Jamhuri Day"),
            ("2027-12-25", "Christmas Day"),
        ),
        collect=(T(9, 0), T(13, 0)),
        driver="@driver",
        rider="@courier",
    ),
    CountryNetwork(
        country="CN",
        currency="CNY",
        hubs=(
            HubSpec(
                "suining",
                "Suining",
                "Jiangsu",
                "33.912000",
                "117.941000",
                "Suining Logistics Park, Suining County",
            ),
            HubSpec("xuzhou", "Xuzhou", "Jiangsu", "34.204400", "117.284000", "Tongshan, Xuzhou"),
            HubSpec(
                "shanghai", "Shanghai", "Shanghai", "31.230400", "121.473700", "Qingpu, Shanghai"
            ),
            HubSpec(
                "guangzhou",
                "Guangzhou",
                "Guangdong",
                "23.129100",
                "113.264400",
                "Baiyun, Guangzhou",
            ),
            HubSpec("beijing", "Beijing", "Beijing", "39.904200", "116.407400", "Daxing, Beijing"),
        ),
        courier="Suxing Express",
        post="China national post",
        van_price="1.5",
        courier_haul_price="5",
        post_haul_price="3",
        last_mile_price="2",
        # Chinese couriers work every day; the village's parcels leave with the evening van.
        van=Timing(0, 1, T(18, 0), saturday=True, sunday=True),
        courier_haul=Timing(1, 3, T(20, 0), saturday=True, sunday=True),
        post_haul=Timing(2, 5, T(16, 0), saturday=True),
        last_mile=Timing(0, 1, T(18, 0), saturday=True, sunday=True),
        export=Timing(5, 9, T(12, 0)),
        export_from="asia",
        road={"": "1.25", "Jiangsu": "1.2"},
        # The State Council publishes the exact days off each November; these are expected.
        holidays=(
            ("2027-01-01", "New Year's Day"),
            ("2027-02-05", "Spring Festival's Eve"),
            ("2027-02-06", "Spring Festival"),
            ("2027-02-07", "Spring Festival"),
            ("2027-02-08", "Spring Festival"),
            ("2027-04-05", "Qingming Festival"),
            ("2027-05-01", "Labour Day"),
            ("2027-05-02", "Labour Day"),
            ("2027-06-09", "Dragon Boat Festival"),
            ("2027-09-15", "Mid-Autumn Festival"),
            ("2027-10-01", "National Day"),
            ("2027-10-02", "National Day"),
            ("2027-10-03", "National Day"),
        ),
        collect=(T(13, 0), T(18, 0)),
        hours=(T(8, 0), T(21, 0)),
        driver="@driver_cn",
        rider="Xu Tao",
    ),
    CountryNetwork(
        country="KR",
        currency="KRW",
        hubs=(
            HubSpec(
                "gangneung",
                "Gangneung",
                "Gangwon",
                "37.751900",
                "128.876100",
                "Gangneung logistics centre",
            ),
            HubSpec("chuncheon", "Chuncheon", "Gangwon", "37.881300", "127.729800", "Chuncheon"),
            HubSpec("seoul", "Seoul", "Seoul", "37.566500", "126.978000", "Guro-gu, Seoul"),
            HubSpec("busan", "Busan", "Busan", "35.179600", "129.075600", "Gangseo-gu, Busan"),
            HubSpec("jeju", "Jeju", "Jeju", "33.499600", "126.531200", "Jeju City port"),
        ),
        courier="Hanbit Parcel",
        post="Korea national post",
        van_price="700",
        courier_haul_price="2000",
        post_haul_price="1000",
        last_mile_price="700",
        # The INVIL promise: anywhere in the country within 3 working days.
        van=Timing(0, 1, T(15, 0), saturday=True),
        courier_haul=Timing(0, 1, T(17, 0), saturday=True),
        post_haul=Timing(1, 1, T(15, 0)),
        last_mile=Timing(0, 1, T(16, 0), saturday=True),
        export=Timing(4, 7, T(12, 0)),
        export_from="asia",
        road={"": "1.3", "Gangwon": "1.5", "Jeju": "1.25"},
        holidays=(
            ("2026-12-25", "Christmas Day"),
            ("2027-01-01", "New Year's Day"),
            ("2027-02-05", "Seollal"),
            ("2027-02-06", "Seollal"),
            ("2027-02-07", "Seollal"),
            ("2027-02-08", "Seollal (substitute holiday)"),
            ("2027-03-01", "Independence Movement Day"),
            ("2027-05-05", "Children's Day"),
            ("2027-05-13", "Buddha's Birthday"),
            ("2027-06-06", "Memorial Day"),
            ("2027-08-16", "Liberation Day (substitute holiday)"),
            ("2027-09-14", "Chuseok"),
            ("2027-09-15", "Chuseok"),
            ("2027-09-16", "Chuseok"),
            ("2027-10-04", "National Foundation Day (substitute holiday)"),
            ("2027-10-11", "Hangul Day (substitute holiday)"),
            ("2027-12-27", "Christmas Day (substitute holiday)"),
        ),
        collect=(T(9, 0), T(15, 0)),
        driver="Choi Dong-hyun",
        rider="Lee Seo-yeon",
    ),
    CountryNetwork(
        country="IN",
        currency="INR",
        hubs=(
            HubSpec("erode", "Erode", "Tamil Nadu", "11.341000", "77.717200", "Perundurai Road"),
            HubSpec(
                "coimbatore",
                "Coimbatore",
                "Tamil Nadu",
                "11.016800",
                "76.955800",
                "Avinashi Road",
            ),
            HubSpec("madurai", "Madurai", "Tamil Nadu", "9.925200", "78.119800", "Mattuthavani"),
            HubSpec("madikeri", "Madikeri", "Karnataka", "12.424400", "75.738200", "Mysore Road"),
            HubSpec("mysuru", "Mysuru", "Karnataka", "12.295800", "76.639400", "Hebbal"),
            HubSpec("bengaluru", "Bengaluru", "Karnataka", "12.971600", "77.594600", "Peenya"),
            HubSpec("bhopal", "Bhopal", "Madhya Pradesh", "23.259900", "77.412600", "Govindpura"),
            HubSpec("indore", "Indore", "Madhya Pradesh", "22.719600", "75.857700", "Sanwer Road"),
            HubSpec("kharagpur", "Kharagpur", "West Bengal", "22.346000", "87.232000", "Inda Road"),
            HubSpec("kolkata", "Kolkata", "West Bengal", "22.572600", "88.363900", "Dankuni"),
            HubSpec("mumbai", "Mumbai", "Maharashtra", "19.076000", "72.877700", "Bhiwandi"),
            HubSpec("delhi", "New Delhi", "Delhi", "28.613900", "77.209000", "Okhla"),
        ),
        courier="Sahyog Couriers",
        post="India national post",
        van_price="25",
        courier_haul_price="60",
        post_haul_price="35",
        last_mile_price="30",
        van=Timing(0, 1, T(14, 0), saturday=True),
        courier_haul=Timing(1, 4, T(16, 0), saturday=True),
        post_haul=Timing(2, 6, T(13, 0), saturday=True),
        last_mile=Timing(0, 1, T(16, 0), saturday=True),
        export=Timing(5, 9, T(12, 0)),
        export_from="asia",
        road={
            "": "1.3",
            "Karnataka": "1.5",
            "Tamil Nadu": "1.25",
            "Madhya Pradesh": "1.25",
            "West Bengal": "1.3",
        },
        holidays=(
            ("2026-12-25", "Christmas Day"),
            ("2027-01-26", "Republic Day"),
            ("2027-03-22", "Holi"),
            ("2027-03-26", "Good Friday"),
            ("2027-08-15", "Independence Day"),
            ("2027-10-02", "Gandhi Jayanti"),
            ("2027-10-29", "Diwali"),
            ("2027-12-25", "Christmas Day"),
        ),
        collect=(T(10, 0), T(16, 0)),
        driver="Senthil Kumar",
        rider="Arjun Nair",
    ),
    CountryNetwork(
        country="CV",
        currency="CVE",
        hubs=(
            HubSpec("praia", "Praia", "Santiago", "14.933100", "-23.513300", "Achada Grande"),
            HubSpec("mindelo", "Mindelo", "São Vicente", "16.890100", "-24.980400", "Porto Grande"),
        ),
        courier="Ilhas Express",
        post="Cabo Verde national post",
        van_price="150",
        courier_haul_price="350",
        post_haul_price="200",
        last_mile_price="150",
        van=Timing(0, 1, T(13, 0)),
        courier_haul=Timing(1, 3, T(14, 0)),  # between islands, by ferry or plane
        post_haul=Timing(2, 5, T(12, 0)),
        last_mile=Timing(0, 1, T(15, 0)),
        export=Timing(4, 8, T(12, 0)),
        export_from="west-africa",
        road={"": "1.6", "Santiago": "1.6"},
        holidays=(
            ("2026-12-25", "Christmas Day"),
            ("2027-01-01", "New Year's Day"),
            ("2027-01-13", "Democracy Day"),
            ("2027-01-20", "National Heroes' Day"),
            ("2027-02-10", "Ash Wednesday"),
            ("2027-03-26", "Good Friday"),
            ("2027-05-01", "Labour Day"),
            ("2027-06-01", "Children's Day"),
            ("2027-07-05", "Independence Day"),
            ("2027-08-15", "Assumption Day"),
            ("2027-11-01", "All Saints' Day"),
            ("2027-12-25", "Christmas Day"),
        ),
        driver="Nelson Tavares",
        rider="Edson Varela",
    ),
    CountryNetwork(
        country="PE",
        currency="PEN",
        hubs=(
            HubSpec("cusco", "Cusco", "Cusco", "-13.531900", "-71.967500", "Avenida de la Cultura"),
            HubSpec("lima", "Lima", "Lima", "-12.046400", "-77.042800", "Callao"),
            HubSpec(
                "arequipa", "Arequipa", "Arequipa", "-16.409000", "-71.537500", "Cerro Colorado"
            ),
        ),
        courier="Rápido Andino",
        post="Peru national post",
        van_price="3",
        courier_haul_price="8",
        post_haul_price="5",
        last_mile_price="4",
        van=Timing(0, 1, T(13, 0), saturday=True),
        courier_haul=Timing(1, 3, T(15, 0), saturday=True),
        post_haul=Timing(2, 6, T(12, 0)),
        last_mile=Timing(0, 1, T(16, 0), saturday=True),
        export=Timing(5, 9, T(12, 0)),
        export_from="andes",
        road={"": "1.5", "Cusco": "1.8"},
        holidays=(
            ("2026-12-08", "Immaculate Conception"),
            ("2026-12-09", "Battle of Ayacucho"),
            ("2026-12-25", "Christmas Day"),
            ("2027-01-01", "New Year's Day"),
            ("2027-03-25", "Holy Thursday"),
            ("2027-03-26", "Good Friday"),
            ("2027-05-01", "Labour Day"),
            ("2027-06-07", "Battle of Arica and Flag Day"),
            ("2027-06-29", "Saint Peter and Saint Paul"),
            ("2027-07-28", "Independence Day"),
            ("2027-07-29", "Independence Day"),
            ("2027-08-30", "Santa Rosa de Lima"),
            ("2027-10-08", "Battle of Angamos"),
            ("2027-11-01", "All Saints' Day"),
            ("2027-12-08", "Immaculate Conception"),
            ("2027-12-09", "Battle of Ayacucho"),
            ("2027-12-25", "Christmas Day"),
        ),
        driver="Julio Huamán",
        rider="Milagros Ccori",
    ),
    CountryNetwork(
        country="BO",
        currency="BOB",
        hubs=(
            HubSpec("sucre", "Sucre", "Chuquisaca", "-19.019600", "-65.261900", "Avenida Ostria"),
            HubSpec("la-paz", "La Paz", "La Paz", "-16.489700", "-68.119300", "El Alto"),
            HubSpec(
                "cochabamba", "Cochabamba", "Cochabamba", "-17.413900", "-66.165300", "Quillacollo"
            ),
            HubSpec(
                "santa-cruz",
                "Santa Cruz de la Sierra",
                "Santa Cruz",
                "-17.783300",
                "-63.182100",
                "Parque Industrial",
            ),
        ),
        courier="Trans Illimani",
        post="Bolivia national post",
        van_price="5",
        courier_haul_price="14",
        post_haul_price="8",
        last_mile_price="6",
        van=Timing(0, 1, T(13, 0), saturday=True),
        courier_haul=Timing(1, 3, T(15, 0), saturday=True),
        post_haul=Timing(2, 6, T(12, 0)),
        last_mile=Timing(0, 1, T(16, 0), saturday=True),
        export=Timing(5, 9, T(12, 0)),
        export_from="andes",
        road={"": "1.5", "Chuquisaca": "1.7", "La Paz": "1.7"},
        holidays=(
            ("2026-12-25", "Christmas Day"),
            ("2027-01-01", "New Year's Day"),
            ("2027-01-22", "Plurinational State Foundation Day"),
            ("2027-02-08", "Carnival"),
            ("2027-02-09", "Carnival"),
            ("2027-03-26", "Good Friday"),
            ("2027-05-01", "Labour Day"),
            ("2027-05-27", "Corpus Christi"),
            ("2027-06-21", "Aymara New Year"),
            ("2027-08-06", "Independence Day"),
            ("2027-11-02", "All Souls' Day"),
            ("2027-12-25", "Christmas Day"),
        ),
        driver="René Mamani",
        rider="Ximena Choque",
    ),
    CountryNetwork(
        country="ET",
        currency="ETB",
        hubs=(
            HubSpec("bishoftu", "Bishoftu", "Oromia", "8.752500", "38.978500", "Addis-Adama road"),
            HubSpec(
                "addis-ababa",
                "Addis Ababa",
                "Addis Ababa",
                "9.030000",
                "38.740000",
                "Kaliti, Addis Ababa",
            ),
            HubSpec("adama", "Adama", "Oromia", "8.540000", "39.270000", "Adama"),
            HubSpec("hawassa", "Hawassa", "Sidama", "7.062100", "38.476400", "Hawassa"),
        ),
        courier="Fana Couriers",
        post="Ethiopia national post",
        van_price="40",
        courier_haul_price="110",
        post_haul_price="70",
        last_mile_price="50",
        van=Timing(0, 1, T(14, 0), saturday=True),
        courier_haul=Timing(1, 3, T(15, 0), saturday=True),
        post_haul=Timing(2, 5, T(12, 0)),
        last_mile=Timing(0, 1, T(16, 0), saturday=True),
        export=Timing(5, 9, T(12, 0)),
        export_from="east-africa",
        road={"": "1.4", "Oromia": "1.35"},
        holidays=(
            ("2027-01-07", "Genna (Christmas)"),
            ("2027-01-19", "Timket (Epiphany)"),
            ("2027-03-02", "Victory of Adwa"),
            ("2027-04-30", "Siklet (Good Friday)"),
            ("2027-05-01", "Labour Day"),
            ("2027-05-02", "Fasika (Easter)"),
            ("2027-05-05", "Patriots' Victory Day"),
            ("2027-05-28", "Derg Downfall Day"),
            ("2027-09-12", "Enkutatash (New Year)"),
            ("2027-09-28", "Meskel"),
        ),
        driver="Dawit Haile",
        rider="Meron Assefa",
    ),
    CountryNetwork(
        country="KH",
        currency="KHR",
        hubs=(
            HubSpec(
                "siem-reap", "Siem Reap", "Siem Reap", "13.363300", "103.856400", "National Road 6"
            ),
            HubSpec(
                "phnom-penh",
                "Phnom Penh",
                "Phnom Penh",
                "11.556400",
                "104.928200",
                "Russey Keo, Phnom Penh",
            ),
            HubSpec(
                "battambang", "Battambang", "Battambang", "13.095700", "103.202200", "Battambang"
            ),
        ),
        courier="Angkor Express",
        post="Cambodia national post",
        van_price="2000",
        courier_haul_price="6000",
        post_haul_price="4000",
        last_mile_price="3000",
        van=Timing(0, 1, T(14, 0), saturday=True),
        courier_haul=Timing(1, 2, T(16, 0), saturday=True, sunday=True),
        post_haul=Timing(2, 4, T(12, 0)),
        last_mile=Timing(0, 1, T(16, 0), saturday=True),
        export=Timing(5, 9, T(12, 0)),
        export_from="asia",
        road={"": "1.25", "Siem Reap": "1.2"},
        holidays=(
            ("2027-01-01", "International New Year's Day"),
            ("2027-01-07", "Victory over Genocide Day"),
            ("2027-03-08", "International Women's Day"),
            ("2027-04-14", "Khmer New Year"),
            ("2027-04-15", "Khmer New Year"),
            ("2027-04-16", "Khmer New Year"),
            ("2027-05-01", "Labour Day"),
            ("2027-05-14", "King's Birthday"),
            ("2027-06-18", "Queen Mother's Birthday"),
            ("2027-09-24", "Constitution Day"),
            ("2027-10-15", "Commemoration of the King Father"),
            ("2027-10-29", "Coronation Day"),
            ("2027-11-09", "Independence Day"),
        ),
        driver="Sok Rithy",
        rider="Chea Sokha",
    ),
)


@dataclass(frozen=True)
class VehicleSpec:
    hub: str
    name: str
    capacity_kg: int
    capacity_m3: str
    cost_per_km: str  # major units of the country's currency
    speed_kmh: int
    driver: str = ""  # "@role" of a demo driver
    shift_start: dt.time = dt.time(7, 0)


VEHICLES: Final = (
    VehicleSpec("nyeri", "KDH 418N, Toyota Probox", 450, "1.1", "35", 40, "@driver"),
    VehicleSpec("nyeri", "KCY 702T, Isuzu NKR truck", 3_000, "14", "70", 35),
    VehicleSpec("suining", "苏C·D5271 electric van", 1_000, "6", "1.20", 45, "@driver_cn"),
    VehicleSpec("suining", "苏C·73Q09 light truck", 4_500, "20", "2.50", 40),
)
HUB_CLERKS: Final = (("nyeri", "@hub_staff"),)


# -- writing it -----------------------------------------------------------------------------------


@dataclass
class NetworkReport:
    hubs: int = 0
    villages: int = 0  # villages linked to a hub
    carriers: int = 0
    services: int = 0
    rate_tables: int = 0
    bands: int = 0
    holidays: int = 0
    vehicles: int = 0


def _nice(value: Decimal) -> Decimal:
    """Round a price to a step people write: 137 -> 135, 2,940 -> 2,950, 4.83 -> 4.85."""
    if value <= 0:
        return Decimal(0)
    step = Decimal(5).scaleb(value.adjusted() - 2)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def minor(major: Decimal, currency: str) -> int:
    return int(major.scaleb(currency_exponent(currency)).to_integral_value(ROUND_HALF_UP))


def grid(
    base: str | int | Decimal,
    currency: str,
    weights: Sequence[tuple[int, str]],
    distances: Sequence[tuple[int, str]],
    factor: Decimal = Decimal(1),
) -> list[Band]:
    """A full rate grid: the base price (major units) times each band's weight and distance
    factors, rounded to a believable step."""
    bands = []
    weight_from = 0
    for weight_to, weight_factor in weights:
        distance_from = 0
        for distance_to, distance_factor in distances:
            price = _nice(
                Decimal(base) * Decimal(weight_factor) * Decimal(distance_factor) * factor
            )
            bands.append(
                Band(weight_from, weight_to, distance_from, distance_to, minor(price, currency))
            )
            distance_from = distance_to
        weight_from = weight_to
    return bands


class NetworkSeeder:
    """Write ``NETWORK`` into the database; see ``seed_network``."""

    def __init__(
        self,
        *,
        accounts: Mapping[str, User],
        person: Callable[[str, str], User],
    ) -> None:
        self.accounts = accounts
        self.person = person
        self.report = NetworkReport()
        self.hubs: dict[str, Hub] = {}
        self.zones: dict[str, Zone] = {}
        self.vans: dict[str, Carrier] = {}

    def _who(self, country: str, name: str) -> User:
        return self.accounts[name[1:]] if name.startswith("@") else self.person(country, name)

    def _service(self, carrier: Carrier, leg: str, country: str, timing: Timing) -> Service:
        """A service at every hub of the country."""
        service = Service.objects.create(
            carrier=carrier,
            leg=leg,
            country=country,
            transit_min_days=timing.fastest,
            transit_max_days=timing.slowest,
            cutoff=timing.cutoff,
            works_saturday=timing.saturday,
            works_sunday=timing.sunday,
        )
        self.report.services += 1
        return service

    def _table(
        self, service: Service, currency: str, bands: list[Band], zone: Zone | None = None
    ) -> RateTable:
        table = RateTable.objects.create(service=service, zone=zone, currency=currency)
        rate_table_set(table=table, bands=bands)  # refused unless a full grid
        self.report.rate_tables += 1
        self.report.bands += len(bands)
        return table

    def _carrier(self, name: str, kind: str) -> Carrier:
        self.report.carriers += 1
        return Carrier.objects.create(name=name, kind=kind)

    def zones_create(self) -> None:
        for code, name, kind, countries in ZONES:
            self.zones[code] = Zone.objects.create(
                code=code, name=name, kind=kind, countries=countries
            )

    def country_create(self, spec: CountryNetwork, abroad: Carrier) -> None:
        country, currency = spec.country, spec.currency
        opens, closes = spec.hours
        for hub in spec.hubs:
            self.hubs[hub.code] = Hub.objects.create(
                code=hub.code,
                name=hub.name,
                country=country,
                region=hub.region,
                latitude=Decimal(hub.latitude),
                longitude=Decimal(hub.longitude),
                address=hub.address,
                opens_at=opens,
                closes_at=closes,
            )
            self.report.hubs += 1
        RoadFactor.objects.bulk_create(
            RoadFactor(country=country, region=region, factor=Decimal(factor))
            for region, factor in spec.road.items()
        )
        self.report.holidays += len(
            Holiday.objects.bulk_create(
                Holiday(country=country, date=dt.date.fromisoformat(day), name=name)
                for day, name in spec.holidays
            )
        )
        vans = self._carrier(f"Sokoni vans ({country_name(country, 'en')})", CarrierKind.OWN_FLEET)
        courier = self._carrier(spec.courier, CarrierKind.COURIER)
        post = self._carrier(spec.post, CarrierKind.POST)
        self.vans[country] = vans
        if spec.driver:
            vans.staff.add(self._who(country, spec.driver))
        if spec.rider:
            courier.staff.add(self._who(country, spec.rider))
        van_grid = grid(spec.van_price, currency, WEIGHTS, DISTANCES)
        self._table(self._service(vans, LegKind.FIRST_MILE, country, spec.van), currency, van_grid)
        self._table(self._service(vans, LegKind.CENTRE, country, spec.van), currency, van_grid)
        self._table(
            self._service(courier, LegKind.LINE_HAUL, country, spec.courier_haul),
            currency,
            grid(spec.courier_haul_price, currency, WEIGHTS, DISTANCES),
        )
        self._table(
            self._service(post, LegKind.LINE_HAUL, country, spec.post_haul),
            currency,
            grid(spec.post_haul_price, currency, POST_WEIGHTS, DISTANCES),
        )
        last_mile = self._service(courier, LegKind.LAST_MILE, country, spec.last_mile)
        self._table(last_mile, currency, grid(spec.last_mile_price, currency, WEIGHTS, DISTANCES))
        self._table(
            last_mile,
            currency,
            grid(spec.last_mile_price, currency, WEIGHTS, DISTANCES, LOCAL_DISCOUNT),
            zone=self.zones["local"],
        )
        export = self._service(abroad, LegKind.EXPORT, country, spec.export)
        for code, usd in EXPORT_USD[spec.export_from].items():
            self._table(
                export,
                EXPORT_CURRENCY,
                grid(usd, EXPORT_CURRENCY, EXPORT_WEIGHTS, ANYWHERE),
                zone=self.zones[code],
            )

    def villages_link(self) -> None:
        """Each village to the nearest hub of its country, with the country's window."""
        windows = {spec.country: spec.collect for spec in NETWORK}
        links = []
        for village in Village.objects.filter(hub_link__isnull=True).order_by("pk"):
            hubs = [h for h in self.hubs.values() if h.country == village.country]
            if not hubs or village.latitude is None or village.longitude is None:
                continue
            here = (float(village.latitude), float(village.longitude))
            nearest = min(
                hubs, key=lambda h: great_circle_km(here, (float(h.latitude), float(h.longitude)))
            )
            start, end = windows[village.country]
            links.append(
                HubVillage(village=village, hub=nearest, collect_from=start, collect_until=end)
            )
        self.report.villages = len(HubVillage.objects.bulk_create(links))

    def fleet_create(self) -> None:
        for spec in VEHICLES:
            hub = self.hubs[spec.hub]
            driver = self.accounts[spec.driver[1:]] if spec.driver else None
            currency = next(c.currency for c in NETWORK if c.country == hub.country)
            Vehicle.objects.create(
                hub=hub,
                carrier=self.vans[hub.country],
                name=spec.name,
                driver=driver,
                capacity_g=spec.capacity_kg * 1000,
                capacity_cm3=int(Decimal(spec.capacity_m3) * 1_000_000),
                shift_start=spec.shift_start,
                cost_per_km_minor=minor(Decimal(spec.cost_per_km), currency),
                currency=currency,
                speed_kmh=spec.speed_kmh,
            )
            self.report.vehicles += 1
        for code, clerk in HUB_CLERKS:
            self.hubs[code].staff.add(self.accounts[clerk[1:]])

    @transaction.atomic
    def run(self) -> NetworkReport:
        self.zones_create()
        abroad = self._carrier(INTERNATIONAL_COURIER, CarrierKind.INTERNATIONAL)
        for spec in NETWORK:
            self.country_create(spec, abroad)
        self.villages_link()
        self.fleet_create()
        return self.report


def seed_network(
    *, accounts: Mapping[str, User], person: Callable[[str, str], User]
) -> NetworkReport:
    """Build the demo delivery network and link every village to its nearest hub.

    ``accounts`` are the demo accounts by role (drivers, courier, hub clerk); ``person(country,
    name)`` makes a generated person (the other drivers and riders). The database holds no
    network yet.
    """
    return NetworkSeeder(accounts=accounts, person=person).run()


# -- parcels on their way ---------------------------------------------------------------------


@contextmanager
def happening_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Run services as if it were ``moment``: the demo stories took place over past weeks, so
    that their events, promises and release windows read as they would have."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


@dataclass(frozen=True)
class Scan:
    """One event of a demo parcel: what, when, where and who recorded it.

    ``hub`` is "origin" or "destination" (the hubs of the parcel's own route), so a story fits
    whichever village the product came from. ``by`` is "van" (the driver of the first-mile
    carrier), "courier" (the rider of the last-mile carrier), "clerk" (the staff of ``hub``,
    else the driver) or "abroad" (the international courier's feed). ``note`` may name
    ``{origin}`` and ``{destination}``.
    """

    kind: str
    at: dt.datetime
    by: str
    hub: str = ""
    note: str = ""
    failure: str = ""
    via: str = "qr"


def _staff_of(shipment: Shipment, legs: Sequence[str]) -> User | None:
    carriers = shipment.legs.filter(kind__in=legs).values("carrier_id")
    return User.objects.filter(carriers_staffed__in=carriers).order_by("pk").first()


def _actor(shipment: Shipment, scan: Scan, hub: Hub | None) -> User | None:
    if scan.by == "abroad":
        return None
    if scan.by == "clerk" and hub is not None:
        clerk = hub.staff.order_by("pk").first()
        if clerk is not None:
            return clerk
    if scan.by == "courier":
        return _staff_of(shipment, [LegKind.LAST_MILE])
    return _staff_of(shipment, [LegKind.FIRST_MILE, LegKind.CENTRE])


def parcel_story(order: Order, scans: Sequence[Scan]) -> Shipment | None:
    """Move a demo order's parcel through ``scans``, each at its own moment, through the
    scanner's permission check (``shipment_for_scanner``) and ``shipment_record``, as the
    couriers' phones would. An order with no parcel is left as it is."""
    shipment = (
        Shipment.objects.filter(order=order).select_related("origin_hub", "destination_hub").first()
    )
    if shipment is None:
        return None
    hubs = {"origin": shipment.origin_hub, "destination": shipment.destination_hub}
    names = {key: hub.name if hub else "" for key, hub in hubs.items()}
    for scan in scans:
        hub = hubs.get(scan.hub)
        actor = _actor(shipment, scan, hub)
        via = "courier" if scan.by == "abroad" else (scan.via if actor else "system")
        with happening_at(scan.at):
            if actor is not None:
                shipment = shipment_for_scanner(shipment.code, actor)
            shipment_record(
                shipment=shipment,
                kind=scan.kind,
                actor=actor,
                via=via,
                failure=scan.failure,
                note=scan.note.format(**names),
                hub=hub,
                at=scan.at,
            )
    return shipment
