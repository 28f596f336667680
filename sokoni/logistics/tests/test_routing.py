"""The routing engine: sound plans (loads, windows, shifts), reasons for what is left out."""

import dataclasses
import math
import random
from itertools import pairwise

from sokoni.logistics.routing import (
    HUB_KEY,
    REASON_TEXT,
    Depot,
    Parcel,
    Plan,
    Reason,
    Stop,
    Vehicle,
    haversine_m,
    plan_problems,
    plan_runs,
)

HUB = Depot(lat=-0.5467, lon=36.9443)  # Othaya
KM_PER_DEGREE = 2 * math.pi * 6371 / 360
DAY = (8 * 60, 17 * 60)
# Small cases stop after a fixed amount of search, so they take milliseconds, not the limit.
QUICK = {"time_limit_s": 2.0, "solution_limit": 100}


def at(east_km: float, north_km: float) -> tuple[float, float]:
    """Return the point so many km east and north of the hub."""
    lat = HUB.lat + north_km / KM_PER_DEGREE
    lon = HUB.lon + east_km / (KM_PER_DEGREE * math.cos(math.radians(HUB.lat)))
    return lat, lon


def village(key, east_km, north_km, window=DAY, service_min=10):
    return Stop(key, *at(east_km, north_km), *window, service_min)


def truck(key="T1", kg=1000, m3=3.0, start_min=7 * 60, shift_min=10 * 60, cost=4500, speed=40):
    return Vehicle(key, kg * 1000, round(m3 * 1_000_000), start_min, shift_min, cost, speed)


def parcel(key, stop_key, kg=5.0, litres=20.0, *, deliver=False):
    return Parcel(key, stop_key, round(kg * 1000), round(litres * 1000), deliver)


def road_m(*points):
    """Return the planned distance along points, as the engine rounds it (per leg, road x1.3)."""
    return sum(round(haversine_m(*a, *b) * 1.3) for a, b in pairwise(points))


def solve(stops, parcels, vehicles, **options):
    """Plan and insist that the independent checker finds the plan sound."""
    plan = plan_runs(HUB, stops, parcels, vehicles, **{**QUICK, **options})
    road_factor = options.get("road_factor", 1.3)
    assert plan_problems(HUB, stops, parcels, vehicles, plan, road_factor=road_factor) == []
    return plan


def codes(plan):
    return {entry.parcel_key: entry.code for entry in plan.unplanned}


def places(route):
    return [visit.stop_key for visit in route.visits]


def busy_day(seed, *, villages=12, parcels=70):
    """Return a random day: villages around the hub, a fifth of the parcels to deliver."""
    rng = random.Random(seed)
    stops = [
        village(
            f"village:{n}",
            rng.uniform(-20, 20),
            rng.uniform(-20, 20),
            rng.choice([DAY, DAY, (8 * 60, 12 * 60), (13 * 60, 17 * 60)]),
        )
        for n in range(villages)
    ]
    items = [
        parcel(
            f"SH-{n:04d}",
            rng.choice(stops).key,
            kg=rng.uniform(0.3, 25),
            litres=rng.uniform(2, 80),
            deliver=rng.random() < 0.2,
        )
        for n in range(parcels)
    ]
    return stops, items


def test_haversine_gives_a_degree_of_latitude_as_111_km():
    """The distance is the great circle on a sphere of radius 6,371 km."""
    assert round(haversine_m(0.0, 36.0, 1.0, 36.0)) == 111_195


def test_a_busy_day_with_small_trucks_is_planned_soundly_in_several_trips():
    """Weight, volume, windows, mixed loads and trips together; the checker replays it all."""
    # given
    stops, parcels = busy_day(3)
    vehicles = [truck("T1", kg=250, m3=0.8), truck("T2", kg=250, m3=0.8)]

    # when
    plan = plan_runs(HUB, stops, parcels, vehicles, time_limit_s=1.0)

    # then
    assert plan_problems(HUB, stops, parcels, vehicles, plan) == []
    assert max(route.trips for route in plan.routes) >= 2
    assert len(plan.planned_keys) + len(plan.unplanned) == len(parcels)
    assert {entry.code for entry in plan.unplanned} <= {Reason.NO_ROOM}
    assert 0 < plan.solve_seconds < 1.5


def test_the_checker_finds_an_overload_a_broken_window_and_a_lost_parcel():
    """The checker is not vacuous: a plan replayed against other input fails."""
    # given
    stops = [village("village:1", 5, 0)]
    parcels = [parcel("SH-1", "village:1", kg=40), parcel("SH-2", "village:1", kg=40)]
    vehicles = [truck()]
    plan = solve(stops, parcels, vehicles)

    # when
    small = [truck(kg=50)]
    late = [village("village:1", 5, 0, window=(14 * 60, 17 * 60))]
    lost = dataclasses.replace(plan, routes=(), total_metres=0, total_cost_minor=0)

    # then
    assert any("outside capacity" in p for p in plan_problems(HUB, stops, parcels, small, plan))
    assert any("window" in p for p in plan_problems(HUB, late, parcels, vehicles, plan))
    assert plan_problems(HUB, stops, parcels, vehicles, lost) == [
        "SH-1: given 1 time(s), accounted 0",
        "SH-2: given 1 time(s), accounted 0",
    ]


def test_one_truck_runs_up_the_valley_and_back_while_the_second_stays_home():
    """Four villages on a line: one vehicle, in order, the far end and back; no second truck."""
    # given
    stops = [village(f"village:{km}", km, 0) for km in (15, 5, 20, 10)]
    parcels = [parcel(f"SH-{km}", f"village:{km}") for km in (5, 10, 15, 20)]
    vehicles = [truck("T1"), truck("T2")]

    # when
    plan = solve(stops, parcels, vehicles)

    # then
    assert len(plan.routes) == 1
    route = plan.routes[0]
    line = ["village:5", "village:10", "village:15", "village:20"]
    assert places(route)[1:-1] in (line, line[::-1])
    expected = road_m(at(0, 0), at(5, 0), at(10, 0), at(15, 0), at(20, 0), at(0, 0))
    assert route.metres == plan.total_metres == expected
    assert route.cost_minor == plan.total_cost_minor == (expected * 4500 + 500) // 1000
    assert plan.naive_metres == sum(2 * road_m(at(0, 0), at(km, 0)) for km in (5, 10, 15, 20))
    assert plan.unplanned == ()


def test_capacity_forces_a_second_vehicle():
    """Two villages of 600 kg each and 1,000 kg trucks that make one trip: one truck each."""
    # given
    stops = [village("village:east", 10, 0), village("village:west", -10, 0)]
    parcels = [parcel(f"SH-E{n}", "village:east", kg=100) for n in range(6)] + [
        parcel(f"SH-W{n}", "village:west", kg=100) for n in range(6)
    ]
    vehicles = [truck("T1"), truck("T2")]

    # when
    plan = solve(stops, parcels, vehicles, max_trips=1)

    # then
    assert sorted(places(route)[1] for route in plan.routes) == ["village:east", "village:west"]
    assert [len(route.visits) for route in plan.routes] == [3, 3]
    assert sorted(route.visits[1].load_g for route in plan.routes) == [600_000, 600_000]
    assert plan.unplanned == ()


def test_a_full_truck_unloads_at_the_hub_and_goes_out_again():
    """One truck, two 600 kg villages: a second trip after unloading the first village's goods."""
    # given
    stops = [village("village:east", 10, 0), village("village:west", -10, 0)]
    east = [parcel(f"SH-E{n}", "village:east", kg=100) for n in range(6)]
    west = [parcel(f"SH-W{n}", "village:west", kg=100) for n in range(6)]
    vehicles = [truck("T1")]

    # when
    plan = solve(stops, east + west, vehicles)

    # then
    (route,) = plan.routes
    assert route.trips == 2
    assert places(route)[2] == HUB_KEY
    first = route.visits[1]
    assert route.visits[2].delivered == first.collected
    assert route.visits[2].load_g == 0
    assert route.visits[2].departure_min == route.visits[2].arrival_min + 15
    assert plan.unplanned == ()


def test_a_village_with_more_than_a_truckload_is_shared_by_two_trucks():
    """1,500 kg at one village is split into parts that two one-trip trucks take."""
    # given
    stops = [village("village:1", 8, 3)]
    parcels = [parcel(f"SH-{n:02d}", "village:1", kg=100) for n in range(15)]
    vehicles = [truck("T1"), truck("T2")]

    # when
    plan = solve(stops, parcels, vehicles, max_trips=1)

    # then
    assert [places(route) for route in plan.routes] == [[HUB_KEY, "village:1", HUB_KEY]] * 2
    assert sum(route.visits[1].load_g for route in plan.routes) == 1_500_000
    assert plan.unplanned == ()


def test_a_time_window_is_kept_and_an_early_truck_waits():
    """Service starts inside each window; the truck leaves late rather than wait, then waits."""
    # given
    stops = [
        village("village:early", 0, 5, window=(8 * 60, 8 * 60 + 30)),
        village("village:late", 0, 6, window=(10 * 60, 11 * 60)),
    ]
    parcels = [parcel("SH-1", "village:early"), parcel("SH-2", "village:late")]
    vehicles = [truck()]

    # when
    plan = solve(stops, parcels, vehicles)

    # then
    hub, early, late, back = plan.routes[0].visits
    assert (early.stop_key, late.stop_key) == ("village:early", "village:late")
    assert hub.departure_min == 8 * 60 - 10  # 6.5 km at 40 km/h is 10 minutes, rounded up
    assert early.arrival_min == early.service_start_min == 8 * 60
    assert early.departure_min == 8 * 60 + 10
    assert late.arrival_min == 8 * 60 + 10 + 2
    assert late.service_start_min == 10 * 60
    assert late.wait_min == 108
    assert back.arrival_min == 10 * 60 + 10 + 12


def test_a_stop_too_far_for_the_shift_or_its_window_is_unreachable():
    """A village beyond the shift and one closed by the time a truck gets there are left out."""
    # given
    stops = [
        village("village:near", 3, 0),
        village("village:far", 60, 0),  # 78 km by road: 117 minutes each way
        village("village:closed", 0, -30, window=(7 * 60, 7 * 60 + 30)),  # 59 minutes away
    ]
    parcels = [
        parcel("SH-1", "village:near"),
        parcel("SH-2", "village:far"),
        parcel("SH-3", "village:closed", deliver=True),
    ]
    vehicles = [truck(shift_min=3 * 60)]

    # when
    plan = solve(stops, parcels, vehicles)

    # then
    assert codes(plan) == {"SH-2": Reason.UNREACHABLE, "SH-3": Reason.UNREACHABLE}
    assert plan.planned_keys == ("SH-1",)
    assert plan.naive_metres == 2 * road_m(at(0, 0), at(3, 0))


def test_a_stop_without_valid_coordinates_keeps_its_parcels_out():
    """No coordinates, out of range or not a number: the parcels wait, the rest is planned."""
    # given
    stops = [
        village("village:ok", 4, 4),
        Stop("village:none", None, None, *DAY),
        Stop("village:north-pole-and-more", 95.0, 36.9, *DAY),
        Stop("village:nan", math.nan, 36.9, *DAY),
    ]
    parcels = [parcel("SH-1", "village:ok")] + [
        parcel(f"SH-{n}", stop.key) for n, stop in enumerate(stops[1:], start=2)
    ]

    # when
    plan = solve(stops, parcels, [truck()])

    # then
    assert codes(plan) == {
        "SH-2": Reason.UNKNOWN_COORDINATES,
        "SH-3": Reason.UNKNOWN_COORDINATES,
        "SH-4": Reason.UNKNOWN_COORDINATES,
    }
    assert plan.planned_keys == ("SH-1",)


def test_a_parcel_for_a_stop_not_given_is_an_unknown_stop():
    """A parcel naming no stop of the hub (or the hub itself) is left out, the rest planned."""
    # given
    stops = [village("village:1", 2, 2), Stop(HUB_KEY, *at(1, 1), *DAY)]
    parcels = [
        parcel("SH-1", "village:1"),
        parcel("SH-2", "village:99"),
        parcel("SH-3", HUB_KEY, deliver=True),
    ]

    # when
    plan = solve(stops, parcels, [truck()])

    # then
    assert codes(plan) == {"SH-2": Reason.UNKNOWN_STOP, "SH-3": Reason.UNKNOWN_STOP}
    assert plan.planned_keys == ("SH-1",)


def test_a_parcel_heavier_or_bulkier_than_every_vehicle_is_too_heavy():
    """It must fit one vehicle in weight and volume at once."""
    # given
    stops = [village("village:1", 2, 2)]
    parcels = [
        parcel("SH-1", "village:1"),
        parcel("SH-2", "village:1", kg=1200),
        parcel("SH-3", "village:1", kg=10, litres=4000),
        parcel("SH-4", "village:1", kg=900, litres=2500),  # heavy for the van, big for the truck
    ]
    vehicles = [truck("van", kg=500, m3=3.0), truck("truck", kg=1000, m3=2.0)]

    # when
    plan = solve(stops, parcels, vehicles)

    # then
    assert codes(plan) == {
        "SH-2": Reason.TOO_HEAVY,
        "SH-3": Reason.TOO_HEAVY,
        "SH-4": Reason.TOO_HEAVY,
    }
    assert plan.planned_keys == ("SH-1",)


def test_a_parcel_only_one_vehicle_can_carry_or_reach_goes_on_that_vehicle():
    """The van cannot lift the generator, the slow tractor cannot reach the far village."""
    # given
    stops = [village("village:near", 2, 0), village("village:far", 0, -35)]
    parcels = [
        parcel("SH-GEN", "village:near", kg=400, litres=500),
        parcel("SH-FAR", "village:far", kg=5),
    ]
    vehicles = [
        truck("van", kg=100, cost=1000),
        truck("tractor", kg=2000, shift_min=4 * 60, cost=1000, speed=15),
    ]

    # when
    plan = solve(stops, parcels, vehicles)

    # then
    collected = {route.vehicle_key: route.visits[1].collected for route in plan.routes}
    assert collected == {"tractor": ("SH-GEN",), "van": ("SH-FAR",)}
    assert plan.unplanned == ()


def test_an_overloaded_day_leaves_out_the_fewest_parcels_for_lack_of_room():
    """One small truck, one trip: three parcels of 30 kg go, the single 80 kg one waits."""
    # given
    stops = [village("village:a", 6, 0), village("village:b", -6, 0)]
    parcels = [parcel(f"SH-A{n}", "village:a", kg=30) for n in range(3)] + [
        parcel("SH-B", "village:b", kg=80)
    ]

    # when
    plan = solve(stops, parcels, [truck(kg=100)], max_trips=1)

    # then
    assert codes(plan) == {"SH-B": Reason.NO_ROOM}
    assert sorted(plan.planned_keys) == ["SH-A0", "SH-A1", "SH-A2"]
    assert plan.naive_metres == 2 * road_m(at(0, 0), at(6, 0)) * 2


def test_a_mixed_run_delivers_before_it_collects_when_both_would_overflow():
    """80 kg out and 80 kg in on a 100 kg truck: the centre first, then the village."""
    # given
    stops = [village("centre:1", 10, 0), village("village:1", -10, 0)]
    parcels = [
        parcel("SH-IN", "centre:1", kg=80, deliver=True),
        parcel("SH-OUT", "village:1", kg=80),
    ]

    # when
    plan = solve(stops, parcels, [truck(kg=100)])

    # then
    (route,) = plan.routes
    assert places(route) == [HUB_KEY, "centre:1", "village:1", HUB_KEY]
    assert [visit.load_g for visit in route.visits] == [80_000, 0, 80_000, 0]
    assert route.visits[0].collected == ("SH-IN",)
    assert route.visits[1].delivered == ("SH-IN",)
    assert route.visits[2].collected == ("SH-OUT",)
    assert route.visits[3].delivered == ("SH-OUT",)


def test_a_collection_that_must_come_first_never_rides_with_the_delivery():
    """The village closes too soon to serve the centre first (both open at 08:00), so a
    shared trip would carry 160 kg on a 100 kg truck.

    A load dimension that starts empty and goes negative at deliveries would accept that
    trip. Here the truck unloads and loads at the hub in between, or with one trip allowed the
    delivery waits.
    """
    # given
    stops = [
        village("village:1", 0, 5, window=(8 * 60, 8 * 60 + 15)),
        village("centre:1", 0, 10),
    ]
    parcels = [
        parcel("SH-IN", "centre:1", kg=80, deliver=True),
        parcel("SH-OUT", "village:1", kg=80),
    ]
    vehicles = [truck(kg=100)]

    # when
    two_trips = solve(stops, parcels, vehicles)
    one_trip = solve(stops, parcels, vehicles, max_trips=1)

    # then
    (route,) = two_trips.routes
    assert places(route) == [HUB_KEY, "village:1", HUB_KEY, "centre:1", HUB_KEY]
    assert [visit.load_g for visit in route.visits] == [0, 80_000, 80_000, 0, 0]
    assert route.visits[2].delivered == ("SH-OUT",)
    assert route.visits[2].collected == ("SH-IN",)
    assert two_trips.unplanned == ()
    assert codes(one_trip) == {"SH-IN": Reason.NO_ROOM}


def test_without_vehicles_every_parcel_has_no_room():
    """No vehicle (or none usable) today: nothing is planned, every parcel waits."""
    # given
    stops = [village("village:1", 2, 2)]
    parcels = [parcel("SH-1", "village:1"), parcel("SH-2", "village:1", deliver=True)]
    broken = [truck("T0", speed=0), truck("T1", kg=0), truck("T2", shift_min=0)]

    # when
    plans = [solve(stops, parcels, []), solve(stops, parcels, broken)]

    # then
    for plan in plans:
        assert plan.routes == ()
        assert codes(plan) == {"SH-1": Reason.NO_ROOM, "SH-2": Reason.NO_ROOM}
        assert (plan.total_metres, plan.total_cost_minor, plan.naive_metres) == (0, 0, 0)


def test_without_parcels_the_plan_is_empty():
    """Nothing to carry: no routes, nothing left out, no baseline."""
    plan = solve([village("village:1", 2, 2)], [], [truck()])

    assert plan == Plan((), (), 0, 0, 0, 0, plan.solve_seconds)
    assert plan.saving_percent == 0.0


def test_the_same_input_gives_the_same_plan():
    """Searching by time alone, a small day is planned identically twice (the time limit is
    generous: on a machine busy with other work, 0.5 s once stopped a search before its best)."""
    # given
    stops, parcels = busy_day(11, villages=5, parcels=20)
    vehicles = [truck("T1", kg=150), truck("T2", kg=150)]

    # when
    first = plan_runs(HUB, stops, parcels, vehicles, time_limit_s=3.0)
    second = plan_runs(HUB, stops, parcels, vehicles, time_limit_s=3.0)

    # then
    assert first.routes == second.routes
    assert first.unplanned == second.unplanned
    assert plan_problems(HUB, stops, parcels, vehicles, first) == []


def test_a_solution_limit_makes_the_plan_independent_of_the_time_limit():
    """Stopped after a number of solutions, a larger day comes out the same with any time."""
    # given
    stops, parcels = busy_day(5)
    vehicles = [truck("T1", kg=250), truck("T2", kg=250)]

    # when
    plans = [
        plan_runs(HUB, stops, parcels, vehicles, time_limit_s=limit, solution_limit=50)
        for limit in (3.0, 6.0)
    ]

    # then
    assert plans[0].routes == plans[1].routes
    assert plans[0].unplanned == plans[1].unplanned


def test_the_naive_baseline_drives_to_every_plannable_stop_at_the_cheapest_rate():
    """Hub, stop, hub for each stop with parcels that passed the checks, at the lowest rate."""
    # given
    stops = [village("village:1", 3, 0), village("centre:2", 0, 4), village("village:3", 0, -9)]
    parcels = [
        parcel("SH-1", "village:1"),
        parcel("SH-2", "village:1"),
        parcel("SH-3", "centre:2", deliver=True),
        parcel("SH-4", "village:3", kg=5000),  # too heavy: its stop is not in the baseline
    ]
    vehicles = [truck("T1", cost=5000), truck("T2", cost=3000)]

    # when
    plan = solve(stops, parcels, vehicles)

    # then
    naive = 2 * road_m(at(0, 0), at(3, 0)) + 2 * road_m(at(0, 0), at(0, 4))
    assert plan.naive_metres == naive
    assert plan.naive_cost_minor == (naive * 3000 + 500) // 1000
    assert [route.vehicle_key for route in plan.routes] == ["T2"]
    assert 0 < plan.saving_percent < 100


def test_bad_input_never_raises_and_the_rest_is_planned():
    """Repeated keys, negative sizes, an upside-down window, odd numbers: a plan all the same."""
    # given
    stops = [
        village("village:1", 2, 2),
        village("village:1", 50, 50),  # the first stop of a key counts
        village("village:upside-down", 3, 3, window=(17 * 60, 8 * 60)),
        village("village:negative", 1, 1, window=(-60, 17 * 60), service_min=-5),
    ]
    parcels = [
        parcel("SH-1", "village:1"),
        parcel("SH-1", "village:1"),
        Parcel("SH-2", "village:negative", -5, -10),
        parcel("SH-3", "village:upside-down"),
    ]
    vehicles = [truck("T1", cost=-3), truck("T1"), truck("T2", start_min=-1)]

    # when
    plan = solve(stops, parcels, vehicles, road_factor=math.nan, time_limit_s=math.nan)

    # then
    assert codes(plan) == {"SH-1": Reason.DUPLICATE, "SH-3": Reason.UNREACHABLE}
    assert sorted(plan.planned_keys) == ["SH-1", "SH-2"]
    assert [route.vehicle_key for route in plan.routes] == ["T1"]
    assert plan.total_cost_minor == 0


def test_every_reason_explains_itself_in_words():
    """Each unplanned entry carries its code and a sentence for people."""
    # given
    stops = [Stop("village:none", None, None, *DAY)]

    # when
    plan = solve(stops, [parcel("SH-1", "village:none")], [truck()])

    # then
    (entry,) = plan.unplanned
    assert entry.code == "unknown_coordinates"
    assert str(entry.reason) == "The stop has no valid coordinates."
    assert set(REASON_TEXT) == set(Reason)
