"""Consolidated pickup runs: a hub's day gathered, planned by the routing engine and stored.

Orders are placed and paid through the real services; the villages are a few kilometres
around the Kenyan test hub (-0.42, 36.95), which serves every village the factories make.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import re
from decimal import Decimal
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.logistics import runs as runs_module
from sokoni.logistics.models import PlannedDay, Run, RunLeftover, RunStop, Shipment, Vehicle
from sokoni.logistics.runs import (
    PLAN_AT,
    SERVICE_MIN,
    minutes_of,
    runs_next_day,
    runs_plan,
    runs_schedule_daily,
)
from sokoni.logistics.shipments import shipment_record
from sokoni.logistics.states import RunStatus, ShipmentStatus
from sokoni.orders.services.lifecycle import order_cancel
from sokoni.orders.states import DeliveryMethod, OrderStatus
from sokoni.orders.tests.factories import frozen, paid_order
from sokoni.shipping.models import Carrier, Hub, HubVillage, RoadFactor
from sokoni.shipping.states import CarrierKind
from sokoni.shipping.tests.factories import network_hub, serve
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
LIMIT = 0.5  # seconds of search per plan: these days are small
# Villages 5 to 12 km from the hub, in different directions.
PLACES = [("-0.380", "36.990"), ("-0.350", "36.930"), ("-0.460", "37.020"), ("-0.500", "36.900")]


# -- the scene -------------------------------------------------------------------------------


def village(lat: str, lon: str, hub: Hub | None = None):
    place = VillageFactory(latitude=Decimal(lat), longitude=Decimal(lon))
    if hub is not None:
        serve(place, hub)
    return place


def villages(count: int = 4) -> list:
    return [village(*PLACES[i]) for i in range(count)]


def send(tasks, place, weight_g: int = 500, **delivery) -> Shipment:
    """A paid order from a shop in ``place``: its parcel waits there for the carrier."""
    product = ProductFactory(shop__village=place, weight_g=weight_g)
    return paid_order(tasks, lines=[(product, 1)], **delivery).shipment


def for_centre(tasks, place, centre, staff, hub: Hub | None = None) -> Shipment:
    """A parcel for pickup at ``centre``, collected and scanned in at the hub (its last)."""
    shipment = send(
        tasks,
        place,
        method=DeliveryMethod.PICKUP,
        address="",
        service_centre_id=centre.pk,
    )
    shipment_record(shipment=shipment, kind=ShipmentStatus.PICKED_UP, actor=staff, via="web")
    shipment_record(shipment=shipment, kind=ShipmentStatus.AT_HUB, actor=staff, via="web", hub=hub)
    return shipment


def fleet_carrier() -> Carrier:
    return Carrier.objects.get_or_create(
        name="Hub fleet", defaults={"kind": CarrierKind.OWN_FLEET}
    )[0]


def vehicle(hub: Hub, name: str = "KDA 100A", **fields) -> Vehicle:
    values = {
        "capacity_g": 200_000,
        "capacity_cm3": 2_000_000,
        "cost_per_km_minor": 3_000,
        "currency": "KES",
        "shift_start": dt.time(7, 0),
        "max_shift_minutes": 600,
        "speed_kmh": 40,
        "driver": UserFactory(),
    }
    values.update(fields)
    return Vehicle.objects.create(hub=hub, carrier=fleet_carrier(), name=name, **values)


def stops_of(run: Run) -> list[RunStop]:
    return list(run.stops.order_by("seq").prefetch_related("collect", "deliver"))


def planned_codes(day: dt.date = DAY) -> list[str]:
    """Codes of the parcels collected or handed over at villages and centres that day."""
    stops = RunStop.objects.filter(run__date=day).exclude(village=None, centre=None)
    return sorted(
        code
        for stop in stops.prefetch_related("collect", "deliver")
        for code in [s.code for s in stop.collect.all()] + [s.code for s in stop.deliver.all()]
    )


def loads(run: Run) -> list[int]:
    """The vehicle's load in grams when it leaves each stop, replayed from the stored stops."""
    load, out = 0, []
    for stop in stops_of(run):
        load += sum(s.weight_g for s in stop.collect.all())
        load -= sum(s.weight_g for s in stop.deliver.all())
        out.append(load)
    return out


# -- planning ------------------------------------------------------------------------------------


def test_a_day_is_planned_into_one_run_with_its_stops_in_driving_order(tasks):
    """Parcels from four villages (one collecting only from 13:00 to 14:00) and two for a
    service centre make one run: out from the hub with the centre's parcels, round the
    villages and the centre inside their windows, back to unload."""
    # given
    hub = network_hub("KE")
    places = villages()
    staff = UserFactory()
    hub.staff.add(staff)
    centre = ServiceCentreFactory(village=places[1])
    collections = [send(tasks, place) for place in places]
    deliveries = [for_centre(tasks, places[0], centre, staff) for _ in range(2)]
    van = vehicle(hub)
    HubVillage.objects.filter(village=places[3]).update(
        collect_from=dt.time(13, 0), collect_until=dt.time(14, 0)
    )
    # when
    result = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    run = Run.objects.get()
    assert result.runs == (run,)
    assert (run.hub, run.date, run.vehicle, run.driver) == (hub, DAY, van, van.driver)
    assert (run.status, run.currency) == (RunStatus.PLANNED, "KES")
    assert run.km == result.km > 0
    assert run.cost_minor == result.costs[0].minor > 0
    stops = stops_of(run)
    assert [stop.seq for stop in stops] == list(range(1, len(stops) + 1))
    first, last, middle = stops[0], stops[-1], stops[1:-1]
    assert first.village is None
    assert first.centre is None
    assert last.village is None
    assert last.centre is None
    assert sorted(s.code for s in first.collect.all()) == sorted(s.code for s in deliveries)
    assert sorted(s.code for s in last.deliver.all()) == sorted(s.code for s in collections)
    times = [(stop.arrive_min, stop.depart_min) for stop in stops]
    assert all(a <= d for a, d in times)
    assert all(d <= a for (_a, d), (a, _d) in itertools.pairwise(times))
    assert len(middle) == 5  # four villages and the centre
    for stop in middle:
        for shipment in stop.collect.all():
            assert stop.village_id == shipment.origin_village_id
        if stop.deliver.exists():
            assert stop.centre_id == centre.pk
        if stop.village is not None:  # service starts inside the village's collection window
            window = HubVillage.objects.get(village=stop.village)
            start = stop.depart_min - SERVICE_MIN
            assert minutes_of(window.collect_from) <= start <= minutes_of(window.collect_until)
    late_village = next(stop for stop in middle if stop.village_id == places[3].pk)
    assert 13 * 60 <= late_village.depart_min - SERVICE_MIN <= 14 * 60
    assert planned_codes() == sorted(s.code for s in collections + deliveries)
    assert (result.parcels_planned, result.collections, result.deliveries) == (6, 4, 2)
    assert not RunLeftover.objects.exists()
    assert result.naive_metres > 0
    assert result.metres < result.naive_metres
    assert result.saving_percent > 0


def test_vehicle_capacity_is_never_exceeded(tasks):
    """Twelve 10 kg parcels and two vans of 40 kg: no van ever carries more than 40 kg, and
    every parcel is planned once (in several vans or trips)."""
    # given
    hub = network_hub("KE")
    places = villages()
    shipments = [send(tasks, places[i % 4], weight_g=10_000) for i in range(12)]
    vans = [vehicle(hub, f"KDA 10{i}A", capacity_g=40_000) for i in range(2)]
    # when
    result = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert planned_codes() == sorted(s.code for s in shipments)
    assert result.parcels_planned == 12
    for run in Run.objects.all():
        assert run.vehicle in vans
        assert all(0 <= load <= 40_000 for load in loads(run))
        assert loads(run)[-1] == 0  # everything unloaded at the hub


def test_a_parcel_too_heavy_for_every_vehicle_is_left_over_and_the_rest_planned(tasks):
    # given
    hub = network_hub("KE")
    places = villages(2)
    light = send(tasks, places[0])
    heavy = send(tasks, places[1], weight_g=300_000)
    vehicle(hub, capacity_g=200_000)
    # when
    result = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert planned_codes() == [light.code]
    leftover = RunLeftover.objects.get()
    assert (leftover.hub, leftover.date, leftover.shipment, leftover.reason) == (
        hub,
        DAY,
        heavy,
        "too_heavy",
    )
    assert "300.0 kg" in leftover.detail
    assert "200 kg" in leftover.detail
    assert result.leftovers == (leftover,)


def test_a_centre_with_broken_coordinates_is_left_over_with_its_reason(tasks):
    """Village coordinates are checked by the database, a centre's are not: a bad import can
    store a latitude of 999. Its parcels are left over, the rest is planned."""
    # given
    hub = network_hub("KE")
    staff = UserFactory()
    places = villages(2)
    centre = ServiceCentreFactory(village=places[1])
    stuck = for_centre(tasks, places[0], centre, staff)
    planned = send(tasks, places[1])
    type(centre).objects.filter(pk=centre.pk).update(latitude=Decimal("999"), longitude=0)
    vehicle(hub)
    # when
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert planned_codes() == [planned.code]
    leftover = RunLeftover.objects.get()
    assert (leftover.shipment, leftover.reason) == (stuck, "unknown_coordinates")
    assert centre.name in leftover.detail


def test_a_village_too_far_for_a_days_run_is_left_over_as_unreachable(tasks):
    """Coordinates typed wrong (or a village 450 km away) cannot be reached and back within
    a shift: its parcels are left over, the rest is planned."""
    # given
    hub = network_hub("KE")
    near = villages(1)[0]
    far = village("3.500", "36.950")
    planned = send(tasks, near)
    stuck = send(tasks, far)
    vehicle(hub)
    # when
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert planned_codes() == [planned.code]
    assert list(RunLeftover.objects.values_list("shipment", "reason")) == [
        (stuck.pk, "unreachable")
    ]


def test_a_centre_without_coordinates_is_found_at_its_village(tasks):
    """A service centre with no coordinates of its own is visited at its village's."""
    # given
    hub = network_hub("KE")
    staff = UserFactory()
    places = villages(2)
    centre = ServiceCentreFactory(village=places[1], latitude=None, longitude=None)
    parcel = for_centre(tasks, places[0], centre, staff)
    Shipment.objects.exclude(pk=parcel.pk).update(status=ShipmentStatus.CANCELLED)
    vehicle(hub)
    # when
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    stop = RunStop.objects.get(centre=centre)
    assert [s.code for s in stop.deliver.all()] == [parcel.code]


def test_a_hub_without_vehicles_leaves_every_parcel_over(tasks):
    # given
    hub = network_hub("KE")
    shipments = [send(tasks, place) for place in villages(2)]
    vehicle(hub, is_active=False)
    # when
    result = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert not Run.objects.exists()
    assert result.runs == ()
    assert sorted(RunLeftover.objects.values_list("shipment__code", "reason")) == sorted(
        (s.code, "no_vehicle") for s in shipments
    )


def test_a_hub_with_nothing_to_do_plans_no_run(tasks):
    hub = network_hub("KE")
    vehicle(hub)
    result = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    assert (result.runs, result.leftovers, result.parcels_planned) == ((), (), 0)
    assert not Run.objects.exists()


def test_a_hub_without_coordinates_leaves_every_parcel_over(tasks):
    # given
    hub = network_hub("KE")
    shipment = send(tasks, villages(1)[0])
    vehicle(hub)
    Hub.objects.filter(pk=hub.pk).update(latitude=Decimal("999"))
    hub.refresh_from_db()
    # when
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert not Run.objects.exists()
    assert list(RunLeftover.objects.values_list("shipment", "reason", "detail")) == [
        (
            shipment.pk,
            "unknown_coordinates",
            "The hub has no valid coordinates: set them in the admin.",
        )
    ]


def test_planning_a_day_twice_keeps_one_plan(tasks):
    # given
    hub = network_hub("KE")
    shipments = [send(tasks, place) for place in villages(3)]
    heavy = send(tasks, villages(1)[0], weight_g=300_000)
    vehicle(hub)
    first = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # when
    second = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert Run.objects.count() == 1
    assert Run.objects.get() == second.runs[0] != first.runs[0]
    assert RunStop.objects.count() == len(stops_of(second.runs[0]))
    assert planned_codes() == sorted(s.code for s in shipments)
    assert list(RunLeftover.objects.values_list("shipment", flat=True)) == [heavy.pk]


def test_a_started_run_is_kept_and_its_parcels_are_not_planned_again(tasks):
    """Once a van is on the road (marked by hub staff in the admin), planning again keeps its
    run and parcels, and plans the new parcels with the vans still free."""
    # given
    hub = network_hub("KE")
    places = villages()
    early = [send(tasks, place) for place in places[:2]]
    out, free = vehicle(hub, "KDA 1"), vehicle(hub, "KDA 2")
    Vehicle.objects.filter(pk=free.pk).update(is_active=False)
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    started = Run.objects.get(vehicle=out)
    Run.objects.filter(pk=started.pk).update(status=RunStatus.STARTED)
    before = [(s.seq, s.arrive_min, [p.code for p in s.collect.all()]) for s in stops_of(started)]
    Vehicle.objects.filter(pk=free.pk).update(is_active=True)
    late = [send(tasks, place) for place in places[2:]]
    # when
    result = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert result.kept == (started,)
    assert Run.objects.get(pk=started.pk).status == RunStatus.STARTED
    assert [
        (s.seq, s.arrive_min, [p.code for p in s.collect.all()]) for s in stops_of(started)
    ] == before
    (new,) = result.runs
    assert new.vehicle == free
    codes = {p.code for stop in stops_of(new) for p in stop.collect.all()}
    assert codes == {s.code for s in late}
    assert planned_codes() == sorted(s.code for s in early + late)


def test_parcels_left_over_are_planned_the_next_day(tasks):
    """Nothing marks a parcel as planned: a parcel left over today, and one planned but not
    collected, are both in tomorrow's plan; today's records stay as they were."""
    # given
    hub = network_hub("KE")
    small, big = villages(2)
    planned = send(tasks, small)
    too_big = send(tasks, big, weight_g=150_000)
    van = vehicle(hub, capacity_g=100_000)
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    assert list(RunLeftover.objects.values_list("shipment", "reason")) == [
        (too_big.pk, "too_heavy")
    ]
    # when the hub gets a bigger van, the next day
    Vehicle.objects.filter(pk=van.pk).update(capacity_g=200_000)
    tomorrow = DAY + dt.timedelta(days=1)
    result = runs_plan(hub=hub, day=tomorrow, time_limit_s=LIMIT)
    # then
    assert planned_codes(tomorrow) == sorted([planned.code, too_big.code])
    assert result.leftovers == ()
    assert planned_codes(DAY) == [planned.code]
    assert RunLeftover.objects.filter(date=DAY).count() == 1
    assert Run.objects.count() == 2


def test_parcels_of_orders_refunded_before_collection_are_cancelled_not_collected(tasks):
    # given
    hub = network_hub("KE")
    kept, dropped = (send(tasks, place) for place in villages(2))
    order_cancel(order=dropped.order, actor=dropped.order.buyer)
    vehicle(hub)
    # when
    result = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    dropped.refresh_from_db()
    assert dropped.order.status == OrderStatus.REFUNDED
    assert dropped.status == ShipmentStatus.CANCELLED
    assert result.cancelled == 1
    assert planned_codes() == [kept.code]


def test_a_parcel_is_delivered_only_once_it_reached_its_last_hub(tasks):
    """A parcel for a centre near this hub, sent from another hub's village, is not taken out
    while it waits at its first hub; it is once it arrived here."""
    # given
    hub = network_hub("KE")
    other = Hub.objects.create(
        code="nanyuki",
        name="Nanyuki",
        country="KE",
        region="Laikipia",
        latitude=Decimal("0.0167"),
        longitude=Decimal("37.0740"),
    )
    far = village("0.020", "37.080", hub=other)
    centre = ServiceCentreFactory(village=villages(1)[0])
    staff = UserFactory()
    parcel = for_centre(tasks, far, centre, staff, hub=other)
    assert (parcel.origin_hub, parcel.destination_hub) == (other, hub)
    vehicle(hub)
    # when it waits at its first hub
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert planned_codes() == []
    # when it reached this hub
    shipment_record(shipment=parcel, kind=ShipmentStatus.IN_TRANSIT, actor=staff, via="web")
    shipment_record(shipment=parcel, kind=ShipmentStatus.AT_HUB, actor=staff, via="web", hub=hub)
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    # then
    assert planned_codes() == [parcel.code]


def test_the_regions_road_factor_lengthens_the_runs(tasks):
    # given
    hub = network_hub("KE")
    send(tasks, villages(1)[0])
    vehicle(hub)
    RoadFactor.objects.create(country="KE", region="", factor=Decimal("1.00"))
    straight = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT).metres
    # when
    RoadFactor.objects.create(country="KE", region=hub.region, factor=Decimal("2.00"))
    winding = runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT).metres
    # then
    assert abs(winding - 2 * straight) <= 2


# -- the command and the daily task ----------------------------------------------------------------


def test_the_command_prints_the_plan(tasks):
    # given
    hub = network_hub("KE")
    places = villages(3)
    shipments = [send(tasks, place) for place in places]
    heavy = send(tasks, places[0], weight_g=300_000)
    vehicle(hub, "KDA 100A")
    out = StringIO()
    # when
    call_command(
        "plan_runs", "--hub", hub.code, "--date", DAY.isoformat(), "--time-limit", "0.5", stdout=out
    )
    # then
    text = out.getvalue()
    assert text.startswith(f"{hub.code} (Test hub KE) 2026-03-10\n")
    assert "  runs: 1  km: " in text
    assert "  parcels planned: 3 (collect 3, deliver 0)" in text
    assert "    KDA 100A: " in text
    assert "  left over: 1\n" in text
    assert f"    {heavy.code} too_heavy: " in text
    assert "  naive: " in text
    assert "saving " in text
    assert planned_codes() == sorted(s.code for s in shipments)


def test_the_command_plans_every_open_hub_with_all(tasks):
    hub = network_hub("KE")
    Hub.objects.create(
        code="closed",
        name="Closed",
        country="KE",
        region="X",
        latitude=Decimal("0"),
        longitude=Decimal("37"),
        is_active=False,
    )
    send(tasks, villages(1)[0])
    vehicle(hub)
    out = StringIO()
    with frozen(dt.datetime(2026, 3, 10, 6, 0, tzinfo=ZoneInfo("Africa/Nairobi"))):
        call_command("plan_runs", "--all", "--time-limit", "0.5", stdout=out)
    assert out.getvalue().startswith("test-ke (Test hub KE) 2026-03-10\n")
    assert "closed" not in out.getvalue()
    assert Run.objects.get().date == DAY


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "Give either --hub <code> or --all."),
        (["--hub", "test-ke", "--all"], "Give either --hub <code> or --all."),
        (["--hub", "nowhere"], "No hub has the code 'nowhere'."),
        (["--hub", "test-ke", "--date", "2026-02-30"], "--date '2026-02-30' is not a date"),
        (["--hub", "test-ke", "--date", "tomorrow"], "--date 'tomorrow' is not a date"),
        (["--hub", "test-ke", "--time-limit", "0"], "--time-limit must be more than 0"),
        (["--hub", "test-ke", "--schedule"], "--schedule goes with --all"),
    ],
)
def test_the_command_refuses_bad_input_and_plans_nothing(arguments, message):
    network_hub("KE")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("plan_runs", *arguments, stdout=StringIO())
    assert not Run.objects.exists()


def test_the_command_refuses_a_closed_hub():
    hub = network_hub("KE")
    Hub.objects.filter(pk=hub.pk).update(is_active=False)
    with pytest.raises(CommandError, match=re.escape("Hub 'test-ke' is closed.")):
        call_command("plan_runs", "--hub", "test-ke", stdout=StringIO())


def test_the_daily_schedule_plans_each_hub_the_next_morning(tasks):
    """Run from cron at any hour, ``--schedule`` queues each open hub's next day at 05:00 local
    time; the queued task plans it."""
    # given
    hub = network_hub("KE")
    shipment = send(tasks, villages(1)[0])
    vehicle(hub)
    nairobi = ZoneInfo("Africa/Nairobi")
    tasks.clear()
    evening = dt.datetime(2026, 3, 9, 20, 0, tzinfo=nairobi)
    # when
    with frozen(evening):
        out = StringIO()
        call_command("plan_runs", "--all", "--schedule", stdout=out)
    # then
    assert out.getvalue() == "queued test-ke for 2026-03-10\n"
    (queued,) = tasks.queued
    assert queued.task.name == "plan_runs_task"
    assert queued.args == [hub.pk, "2026-03-10"]
    assert queued.task.run_after == dt.datetime.combine(DAY, PLAN_AT, tzinfo=nairobi)
    assert tasks.run(now=queued.task.run_after) == 1
    assert planned_codes() == [shipment.code]


def test_the_next_day_is_today_before_five_and_tomorrow_after():
    hub = network_hub("KE")
    nairobi = ZoneInfo("Africa/Nairobi")
    night = dt.datetime(2026, 3, 10, 4, 59, tzinfo=nairobi)
    morning = dt.datetime(2026, 3, 10, 5, 0, tzinfo=nairobi)
    assert runs_next_day(hub, night)[0] == DAY
    assert runs_next_day(hub, morning)[0] == DAY + dt.timedelta(days=1)
    # 23:30 UTC is already the next day in Nairobi (UTC+3).
    utc_late = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)
    assert runs_next_day(hub, utc_late) == (DAY, dt.datetime(2026, 3, 10, 5, 0, tzinfo=nairobi))


def test_the_task_ignores_a_closed_hub(tasks):
    from sokoni.logistics.tasks import plan_runs_task

    hub = network_hub("KE")
    send(tasks, villages(1)[0])
    vehicle(hub)
    Hub.objects.filter(pk=hub.pk).update(is_active=False)
    plan_runs_task.call(hub.pk, DAY.isoformat())
    assert not Run.objects.exists()
    assert not RunLeftover.objects.exists()


def test_schedule_skips_closed_hubs(tasks):
    network_hub("KE")
    Hub.objects.update(is_active=False)
    tasks.clear()
    assert runs_schedule_daily() == []
    assert tasks.queued == []


# -- the clock's sweep: days whose daily planning was lost ------------------------------------


def plan_sweep(moment: dt.datetime) -> str:
    """``manage.py plan_due`` at ``moment``, as the clock runs it; what it said."""
    out = StringIO()
    with frozen(moment):
        call_command("plan_due", stdout=out)
    return out.getvalue().strip()


NAIROBI = ZoneInfo("Africa/Nairobi")


def test_the_sweep_plans_a_day_whose_daily_task_was_lost_once(tasks):
    """Half an hour after 05:00 local time, a hub's day with no plan (the queued planning lost
    with the queue) is planned by the sweep, once."""
    # given
    hub = network_hub("KE")
    shipment = send(tasks, villages(1)[0])
    vehicle(hub)
    with frozen(dt.datetime(2026, 3, 9, 20, 0, tzinfo=NAIROBI)):
        runs_schedule_daily()
    tasks.clear()  # the queue lost the planning
    # when: too early
    said = plan_sweep(dt.datetime(2026, 3, 10, 5, 29, tzinfo=NAIROBI))
    # then
    assert said == "planned 0 lost day(s)"
    assert not Run.objects.exists()
    # when: twice, later
    moment = dt.datetime(2026, 3, 10, 5, 31, tzinfo=NAIROBI)
    first = plan_sweep(moment)
    second = plan_sweep(moment + dt.timedelta(minutes=10))
    # then
    assert first == "planned 1 lost day(s): test-ke 2026-03-10"
    assert second == "planned 0 lost day(s)"
    run = Run.objects.get()
    assert (run.hub, run.date, run.planned_at) == (hub, DAY, moment)
    assert planned_codes() == [shipment.code]
    assert PlannedDay.objects.get().planned_at == moment


def test_the_sweep_never_replans_a_day_that_has_a_plan(tasks):
    """A day planned already (here by hub staff the evening before, then a driver changed and
    a run started) is left as it is, and so is a day whose plan was empty: parcels paid later
    wait for hub staff or the next day."""
    # given
    hub = network_hub("KE")
    places = villages(2)
    send(tasks, places[0])
    van = vehicle(hub)
    with frozen(dt.datetime(2026, 3, 9, 19, 0, tzinfo=NAIROBI)):
        runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    driver = UserFactory()
    Run.objects.update(driver=driver, status=RunStatus.STARTED)
    later = send(tasks, places[1])
    other = network_hub("UG")
    vehicle(other, "UAA 100A")
    with frozen(dt.datetime(2026, 3, 10, 6, 0, tzinfo=NAIROBI)):
        runs_plan(hub=other, day=DAY, time_limit_s=LIMIT)  # nothing to do: an empty plan
    assert not Run.objects.filter(hub=other).exists()
    # when
    said = plan_sweep(dt.datetime(2026, 3, 10, 9, 0, tzinfo=NAIROBI))
    # then
    assert said == "planned 0 lost day(s)"
    run = Run.objects.get()
    assert (run.vehicle, run.driver, run.status) == (van, driver, RunStatus.STARTED)
    assert later.code not in planned_codes()


def test_the_sweep_keeps_a_plan_made_while_its_engine_worked(tasks):
    """Hub staff planning the day while the sweep's engine searches: theirs stands."""
    # given
    hub = network_hub("KE")
    send(tasks, villages(1)[0])
    vehicle(hub)
    moment = dt.datetime(2026, 3, 10, 6, 0, tzinfo=NAIROBI)
    real_gather = runs_module._gather

    def gather_while_staff_plan(hub_, day):
        work = real_gather(hub_, day)
        PlannedDay.objects.create(hub=hub_, date=day, planned_at=moment)
        return work

    # when
    with mock.patch.object(runs_module, "_gather", side_effect=gather_while_staff_plan):
        said = plan_sweep(moment)
    # then
    assert said == "planned 0 lost day(s)"
    assert not Run.objects.exists()


def test_a_failing_hub_is_logged_and_the_other_hubs_are_still_planned(tasks, caplog):
    # given: two hubs without a plan; planning the first breaks
    kenya, uganda = network_hub("KE"), network_hub("UG")
    vehicle(kenya)
    vehicle(uganda, "UAA 100A")
    real_gather = runs_module._gather

    def gather(hub_, day):
        if hub_.pk == kenya.pk:
            raise RuntimeError("engine crashed")
        return real_gather(hub_, day)

    # when
    with mock.patch.object(runs_module, "_gather", side_effect=gather):
        said = plan_sweep(dt.datetime(2026, 3, 10, 6, 0, tzinfo=NAIROBI))
    # then
    assert said == "planned 1 lost day(s): test-ug 2026-03-10"
    assert "planning hub test-ke for 2026-03-10 failed" in caplog.text
    assert "engine crashed" in caplog.text
    assert list(PlannedDay.objects.values_list("hub__code", "date")) == [("test-ug", DAY)]


def test_the_migration_records_the_days_already_planned(tasks):
    """Days planned before ``PlannedDay`` existed (runs, or only leftovers) count as planned,
    so the sweep leaves them; running it twice records each day once."""
    # given
    kenya, uganda = network_hub("KE"), network_hub("UG")
    send(tasks, villages(1)[0])
    vehicle(kenya)
    send(tasks, village(*PLACES[1], hub=uganda), weight_g=500)  # no vehicle: a leftover
    with frozen(dt.datetime(2026, 3, 9, 19, 0, tzinfo=NAIROBI)) as moment:
        runs_plan(hub=kenya, day=DAY, time_limit_s=LIMIT)
    runs_plan(hub=uganda, day=DAY, time_limit_s=LIMIT)
    assert RunLeftover.objects.filter(hub=uganda).exists()
    PlannedDay.objects.all().delete()
    migration = importlib.import_module("sokoni.logistics.migrations.0005_sweeps_marks")
    # when
    migration.mark_what_is_due(django_apps, None)
    migration.mark_what_is_due(django_apps, None)
    # then
    planned = dict(PlannedDay.objects.values_list("hub__code", "planned_at"))
    assert sorted(planned) == ["test-ke", "test-ug"]
    assert planned["test-ke"] == moment
    assert set(PlannedDay.objects.values_list("date", flat=True)) == {DAY}
