"""The promise-kept report: kept, late and overdue at their boundaries (local dates), the
period, rows by zone and last-leg carrier, charges averaged per currency, who may see it, the
CSV file and bad periods.

Parcels are paid orders (``orders.tests.factories``) moved by ``shipment_record`` at explicit
moments, on a small priced Kenyan network built here: the test hub's town and Nairobi, vans
for the first mile and the service-centre leg, the post between the towns, and one rider per
town for the last mile. Every leg takes 1 to 2 days, every day of the week.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.core.errors import InvalidInput, NotFound
from sokoni.logistics.models import Shipment
from sokoni.logistics.report import ReportRow, delivery_report
from sokoni.logistics.services import pickup_check_in
from sokoni.logistics.shipments import shipment_record, shipments_cancel_unsent
from sokoni.logistics.states import ShipmentStatus
from sokoni.orders.models import Order
from sokoni.orders.services.lifecycle import order_cancel
from sokoni.orders.states import DeliveryMethod
from sokoni.orders.tests.factories import frozen, paid_order
from sokoni.payments.models import FxRate
from sokoni.shipping.models import Carrier, Hub, RateTable, Service
from sokoni.shipping.states import CarrierKind, LegKind, ZoneKind
from sokoni.shipping.tests.factories import EVERYTHING_G, EVERYWHERE_KM, grid, network_hub, zone
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db

S = ShipmentStatus
NAIROBI_TZ = ZoneInfo("Africa/Nairobi")
# Placed on Monday 2 March 2026 at noon in Nairobi: a local parcel (two legs of 1-2 days) is
# promised for Wed 4 - Fri 6 March, a national one (three legs) for Thu 5 - Sun 8 March.
PLACED = dt.datetime(2026, 3, 2, 12, 0, tzinfo=NAIROBI_TZ)
LOCAL_LAST_DAY = dt.date(2026, 3, 6)
NATIONAL_LAST_DAY = dt.date(2026, 3, 8)
# Charges (KES minor units): first mile 100, centre leg 50, line haul 200, last mile 300 / 400.
LOCAL_COST = 40_000
NATIONAL_COST = 70_000
PICKUP_COST = 15_000


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in Nairobi."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NAIROBI_TZ)


def _service(carrier: Carrier, leg: str, price: int, hubs=()) -> Service:
    service = Service.objects.create(
        carrier=carrier,
        leg=leg,
        country="KE",
        transit_min_days=1,
        transit_max_days=2,
        cutoff=dt.time(23, 59),
        works_saturday=True,
        works_sunday=True,
    )
    if hubs:
        service.hubs.set(hubs)
    table = RateTable.objects.create(service=service, currency="KES")
    grid(table, [EVERYTHING_G], [EVERYWHERE_KM], [[price]])
    return service


@pytest.fixture
def net():
    home = network_hub("KE")
    # The test hub's free carrier would win every leg: this network charges.
    Carrier.objects.filter(name="Test post KE").update(is_active=False)
    nairobi = Hub.objects.create(
        code="nairobi",
        name="Nairobi",
        country="KE",
        region="Nairobi",
        latitude=Decimal("-1.300000"),
        longitude=Decimal("36.850000"),
    )
    vans = Carrier.objects.create(name="Vans", kind=CarrierKind.OWN_FLEET)
    post = Carrier.objects.create(name="Post", kind=CarrierKind.POST)
    rider_home = Carrier.objects.create(name="Rider Othaya", kind=CarrierKind.COURIER)
    rider_city = Carrier.objects.create(name="Rider Nairobi", kind=CarrierKind.COURIER)
    _service(vans, LegKind.FIRST_MILE, 10_000)
    _service(vans, LegKind.CENTRE, 5_000)
    _service(post, LegKind.LINE_HAUL, 20_000)
    _service(rider_home, LegKind.LAST_MILE, 30_000, [home])
    _service(rider_city, LegKind.LAST_MILE, 40_000, [nairobi])
    # 1 USD = 100 KES, for a shop that prices in dollars.
    for currency, rate in (("KES", "150"), ("USD", "1.5")):
        FxRate.objects.create(
            base="EUR", quote=currency, rate=Decimal(rate), source="test", as_of=dt.date(2026, 1, 1)
        )
    return SimpleNamespace(
        home=home,
        nairobi=nairobi,
        local=zone(ZoneKind.LOCAL, code="local"),
        national=zone(ZoneKind.NATIONAL, code="national"),
    )


def order_to(tasks, hub: Hub, *, shop_currency: str = "KES", **kwargs) -> Order:
    """A paid order of one product, placed at ``PLACED``, for an address in ``hub``'s town."""
    product = ProductFactory(shop__currency=shop_currency)
    with frozen(PLACED):
        return paid_order(tasks, lines=[(product, 1)], hub_id=hub.pk, **kwargs)


def order_for_pickup(tasks) -> Order:
    centre = ServiceCentreFactory()
    buyer = UserFactory()
    with frozen(PLACED):
        return paid_order(
            tasks,
            buyer=buyer,
            lines=[(ProductFactory(), 1)],
            method=DeliveryMethod.PICKUP,
            address="",
            service_centre_id=centre.pk,
            recipient_phone=buyer.phone,
        )


def move(order: Order, *kinds_at: tuple[str, dt.datetime]) -> Shipment:
    shipment = Shipment.objects.get(order=order)
    for kind, moment in kinds_at:
        with frozen(moment):
            shipment_record(shipment=shipment, kind=kind, actor=None, via="system", at=moment)
    return shipment


def deliver(order: Order, moment: dt.datetime) -> Shipment:
    return move(
        order,
        (S.PICKED_UP, PLACED + dt.timedelta(hours=20)),
        (S.OUT_FOR_DELIVERY, moment - dt.timedelta(minutes=30)),
        (S.DELIVERED, moment),
    )


def report(now: dt.datetime, days: int = 30, user=None):
    return delivery_report(user or StaffFactory(), days=days, now=now)


def counts(row: ReportRow) -> tuple:
    return (row.zone, row.carrier, row.arrived, row.kept, row.late, row.overdue)


# -- kept, late, overdue ---------------------------------------------------------------------


def test_delivery_on_the_last_promised_day_is_kept_and_after_midnight_is_late(tasks, net):
    """The boundary is the last promised day in the destination's local time: 23:30 in Nairobi
    on that day is kept; 00:30 the next day is late, though it is still that day in UTC."""
    # given
    kept, late = order_to(tasks, net.home), order_to(tasks, net.home)
    assert kept.promised_to == late.promised_to == LOCAL_LAST_DAY
    deliver(kept, at(LOCAL_LAST_DAY, 23, 30))
    deliver(late, at(LOCAL_LAST_DAY + dt.timedelta(days=1), 0, 30))
    assert late.shipment.delivered_at.astimezone(dt.UTC).date() == LOCAL_LAST_DAY
    # when
    data = report(at(dt.date(2026, 3, 10), 12))
    # then
    (row,) = data.rows
    assert counts(row) == ("local", "Rider Othaya", 2, 1, 1, 0)
    assert (row.kept_percent, row.late_percent) == (Decimal("50.0"), Decimal("50.0"))


def test_early_delivery_counts_as_kept(tasks, net):
    """A parcel delivered before the first promised day kept the promise."""
    # given
    order = order_to(tasks, net.home)
    deliver(order, at(dt.date(2026, 3, 3), 9))
    assert dt.date(2026, 3, 3) < order.promised_from
    # when
    (row,) = report(at(dt.date(2026, 3, 10), 12)).rows
    # then
    assert counts(row) == ("local", "Rider Othaya", 1, 1, 0, 0)
    assert (row.kept_percent, row.late_percent) == (Decimal("100.0"), Decimal("0.0"))


def test_undelivered_parcel_is_overdue_only_once_its_last_day_has_passed(tasks, net):
    """On its last promised day a parcel on the way is not overdue yet; from midnight in the
    destination it is. A returned or cancelled parcel is never overdue."""
    # given
    order = order_to(tasks, net.home)
    move(order, (S.PICKED_UP, PLACED + dt.timedelta(hours=20)))
    cancelled = order_to(tasks, net.home)
    order_cancel(order=cancelled, actor=cancelled.buyer)
    shipments_cancel_unsent(order_ids=[cancelled.pk])
    # when
    on_the_day = report(at(LOCAL_LAST_DAY, 23, 50))
    next_day = report(at(LOCAL_LAST_DAY + dt.timedelta(days=1), 0, 10))
    # then
    assert on_the_day.rows == ()
    (row,) = next_day.rows
    assert counts(row) == ("local", "Rider Othaya", 0, 0, 0, 1)
    assert row.kept_percent is None
    assert [(c.currency, c.parcels, c.average_minor) for c in row.costs] == [("KES", 1, LOCAL_COST)]


def test_parcel_for_pickup_arrives_when_the_centre_checks_it_in(tasks, net):
    """The promise to a pickup buyer is the parcel's arrival at the centre: checked in on time
    counts as kept though nobody has collected it, under the van that brought it."""
    # given
    order = order_for_pickup(tasks)
    move(
        order,
        (S.PICKED_UP, PLACED + dt.timedelta(hours=20)),
        (S.AT_HUB, PLACED + dt.timedelta(hours=22)),
    )
    operator = order.checkout.service_centre.operator
    with frozen(at(LOCAL_LAST_DAY, 10)):
        pickup_check_in(order_id=order.pk, operator=operator)
    # when
    (row,) = report(at(dt.date(2026, 3, 20), 12)).rows
    # then
    assert Shipment.objects.get(order=order).status == S.AT_CENTRE
    assert counts(row) == ("local", "Vans", 1, 1, 0, 0)
    assert row.costs[0].average_minor == PICKUP_COST


# -- the period ------------------------------------------------------------------------------


def test_only_parcels_of_the_last_days_are_counted(tasks, net):
    """With 30 days, a parcel delivered 29 days ago counts and one delivered 31 days ago does
    not; 7 days leave out both. Overdue parcels whose last day is older than the period are
    left out too."""
    # given
    recent, old, overdue = (order_to(tasks, net.home) for _ in range(3))
    now = at(LOCAL_LAST_DAY + dt.timedelta(days=35), 12)
    deliver(recent, now - dt.timedelta(days=29))
    move(old, (S.PICKED_UP, PLACED + dt.timedelta(hours=20)))
    deliver(old, at(LOCAL_LAST_DAY, 9))  # 35 days before now
    move(overdue, (S.PICKED_UP, PLACED + dt.timedelta(hours=20)))  # last day: 35 days ago
    # when
    month = report(now, days=30)
    week = report(now, days=7)
    longer = report(now, days=40)
    # then
    assert [counts(r) for r in month.rows] == [("local", "Rider Othaya", 1, 0, 1, 0)]
    assert week.rows == ()
    assert [counts(r) for r in longer.rows] == [("local", "Rider Othaya", 2, 1, 1, 1)]
    assert (month.days, month.until, month.since) == (
        30,
        now.date(),
        (now - dt.timedelta(30)).date(),
    )


# -- rows and charges ----------------------------------------------------------------------------


def test_rows_are_per_zone_and_last_leg_carrier(tasks, net):
    """A parcel counts under its order's zone and the carrier of its last leg: the rider of
    each town, the van for the centre; local rows come before national ones."""
    # given
    local, national, pickup = (
        order_to(tasks, net.home),
        order_to(tasks, net.nairobi),
        order_for_pickup(tasks),
    )
    deliver(local, at(dt.date(2026, 3, 4), 10))
    deliver(national, at(dt.date(2026, 3, 6), 10))
    move(
        pickup,
        (S.PICKED_UP, PLACED + dt.timedelta(hours=20)),
        (S.AT_HUB, at(dt.date(2026, 3, 3), 9)),
    )
    with frozen(at(dt.date(2026, 3, 4), 9)):
        pickup_check_in(order_id=pickup.pk, operator=pickup.checkout.service_centre.operator)
    # when
    data = report(at(dt.date(2026, 3, 10), 12))
    # then
    assert national.zone == net.national
    assert national.promised_to == NATIONAL_LAST_DAY
    assert [counts(r) for r in data.rows] == [
        ("local", "Rider Othaya", 1, 1, 0, 0),
        ("local", "Vans", 1, 1, 0, 0),
        ("national", "Rider Nairobi", 1, 1, 0, 0),
    ]
    assert counts(data.total) == ("All zones", "All carriers", 3, 3, 0, 0)


def test_charges_are_averaged_per_currency_and_never_added_together(tasks, net):
    """Two shillings parcels and one dollar parcel of the same row give one average per
    currency; the total averages each currency over all rows."""
    # given
    kes = [order_to(tasks, net.home) for _ in range(2)]
    usd = order_to(tasks, net.home, shop_currency="USD")
    national = order_to(tasks, net.nairobi)
    for order in (*kes, usd, national):
        deliver(order, at(dt.date(2026, 3, 4), 10))
    # when
    data = report(at(dt.date(2026, 3, 10), 12))
    # then
    assert usd.shipment.cost_minor == 400  # USD 4.00: KES 400 at 100 shillings a dollar
    local_row, national_row = data.rows
    assert [(c.currency, c.parcels, c.average_minor) for c in local_row.costs] == [
        ("KES", 2, LOCAL_COST),
        ("USD", 1, 400),
    ]
    assert [(c.currency, c.parcels, c.average_minor) for c in national_row.costs] == [
        ("KES", 1, NATIONAL_COST)
    ]
    assert [(c.currency, c.parcels, c.average_minor) for c in data.total.costs] == [
        ("KES", 3, 50_000),  # (400 + 400 + 700) / 3 shillings
        ("USD", 1, 400),
    ]
    assert data.currencies == ("KES", "USD")


def test_report_reads_the_database_three_times(tasks, net, django_assert_num_queries):
    """Parcels, zones and carriers: three queries however many parcels there are."""
    # given
    for _ in range(3):
        deliver(order_to(tasks, net.home), at(dt.date(2026, 3, 4), 10))
    staff = StaffFactory()
    # when / then
    with django_assert_num_queries(3):
        report(at(dt.date(2026, 3, 10), 12), user=staff)


# -- who may see it, the page, the CSV ------------------------------------------------------------


def test_only_staff_may_read_the_report(tasks, net, client):
    """Anonymous visitors are sent to log in; signed-in people who are not staff get a 404
    from the page, the CSV and the selector alike."""
    # given
    deliver(order_to(tasks, net.home), at(dt.date(2026, 3, 4), 10))
    user = UserFactory()
    page, sheet = reverse("delivery_report:report"), reverse("delivery_report:csv")
    # when / then
    assert client.get(page).status_code == 302
    assert "/accounts/login/" in client.get(sheet)["Location"]
    client.force_login(user)
    assert client.get(page).status_code == 404
    assert client.get(sheet).status_code == 404
    assert client.get(page, {"days": "0"}).status_code == 404
    with pytest.raises(NotFound):
        delivery_report(user, days=30)
    with pytest.raises(NotFound):
        delivery_report(None, days=30)


def test_staff_page_shows_rows_totals_and_the_counting_rules(tasks, net, client):
    """The page lists each row with its shares and average charge, the total and the note."""
    # given
    kept, late = order_to(tasks, net.home), order_to(tasks, net.home)
    deliver(kept, at(dt.date(2026, 3, 4), 10))
    deliver(late, at(dt.date(2026, 3, 8), 10))
    client.force_login(StaffFactory())
    # when
    with frozen(at(dt.date(2026, 3, 10), 12)):
        response = client.get(reverse("delivery_report:report"))
    # then
    assert response.status_code == 200
    text = response.content.decode()
    assert "Rider Othaya" in text
    assert "(50%)" in text
    assert "KES" in text
    assert "400.00" in text
    assert "carrier of its last leg" in text
    assert reverse("delivery_report:csv") + "?days=30" in text


def test_staff_nav_links_to_the_report(client):
    """Staff find the report next to the disputes; others do not see the link."""
    client.force_login(StaffFactory())
    assert reverse("delivery_report:report") in client.get(reverse("web:home")).content.decode()
    client.force_login(UserFactory())
    assert reverse("delivery_report:report") not in client.get(reverse("web:home")).content.decode()


def test_csv_has_one_line_per_row_and_a_column_pair_per_currency(tasks, net, client):
    """The CSV holds the same figures, amounts in major units, one column pair per currency,
    and names that a spreadsheet would run as formulas are quoted."""
    # given
    Carrier.objects.filter(name="Rider Nairobi").update(name="=HYPERLINK(1)")
    deliver(order_to(tasks, net.home), at(dt.date(2026, 3, 4), 10))
    deliver(order_to(tasks, net.nairobi, shop_currency="USD"), at(dt.date(2026, 3, 9), 10))
    client.force_login(StaffFactory())
    # when
    with frozen(at(dt.date(2026, 3, 10), 12)):
        response = client.get(reverse("delivery_report:csv"), {"days": "14"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="delivery-report-2026-03-10-14d.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "zone",
            "carrier",
            "arrived",
            "kept",
            "late",
            "kept_percent",
            "late_percent",
            "overdue",
            "parcels_KES",
            "average_cost_KES",
            "parcels_USD",
            "average_cost_USD",
        ],
        ["local", "Rider Othaya", "1", "1", "0", "100.0", "0.0", "0", "1", "400.00", "", ""],
        ["national", "'=HYPERLINK(1)", "1", "0", "1", "0.0", "100.0", "0", "", "", "1", "7.00"],
        [
            "All zones",
            "All carriers",
            "2",
            "1",
            "1",
            "50.0",
            "50.0",
            "0",
            "1",
            "400.00",
            "1",
            "7.00",
        ],
    ]


@pytest.mark.parametrize("days", ["0", "367", "abc", "-5", "9999999"])
def test_a_bad_period_is_refused_with_a_message(net, client, days):
    """A period that is not 1 to 366 days is a form error on the page and a 400 for the CSV."""
    # given
    client.force_login(StaffFactory())
    # when
    page = client.get(reverse("delivery_report:report"), {"days": days})
    sheet = client.get(reverse("delivery_report:csv"), {"days": days})
    # then
    assert page.status_code == 400
    assert "Choose a number of days from 1 to 366." in page.content.decode()
    assert sheet.status_code == 400
    with pytest.raises(InvalidInput) as refused:
        delivery_report(StaffFactory(), days=0)
    assert refused.value.field == "days"
