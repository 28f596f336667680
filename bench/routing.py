"""The routing benchmark: one hub's day of consolidated pickup runs against one trip per village.

Builds a reproducible day from ``--seed`` (``random.Random(seed)``): a hub at Othaya, Kenya
(-0.5467, 36.9443), villages 5-40 km out, clustered along a few valleys as on the slopes of the
Aberdares, a service centre in about one village in five, parcels mostly handed over by shops
in their village for the hub (about a fifth are inbound parcels for the service centres),
weights 0.3-25 kg with most parcels small, volumes from a believable density, shop hours mostly
08:00-17:00 with some morning-only and afternoon-only villages, and a fleet of pickup trucks
(1,000 kg, 3 m3, from 07:00, 10-hour shift, KES 45 per km). Then it calls
``sokoni.logistics.routing.plan_runs`` and checks the plan with ``plan_problems``.

    .venv/bin/python bench/routing.py                       # seed 1, 50 villages, 400 parcels
    .venv/bin/python bench/routing.py --seed 2 --time-limit 3
    .venv/bin/python bench/routing.py --dirty --json        # with bad input, and a JSON line

Prints the distance and cost of Sokoni's plan and of the naive plan (hub -> village -> hub for
every village with parcels, at the cheapest vehicle's rate), the saving, vehicles used, parcels
planned and left out (by reason) and the solve time, then a verdict. Targets: saving >= 40 %,
solve time <= 10 s, no parcel left out for lack of room, and a plan the checker finds sound.
Exit status 0 when all are met, 1 when the plan is unsound, 2 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sokoni.logistics.routing import (
    Depot,
    Parcel,
    Plan,
    Stop,
    Vehicle,
    plan_problems,
    plan_runs,
)

HUB = Depot(lat=-0.5467, lon=36.9443)  # Othaya
KM_PER_DEGREE = 111.32
SAVING_TARGET = 40.0
SOLVE_TARGET_S = 10.0


def _offset(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """Return the point `km` from (lat, lon) on a bearing (flat earth is fine at this scale)."""
    bearing = math.radians(bearing_deg)
    dlat = km * math.cos(bearing) / KM_PER_DEGREE
    dlon = km * math.sin(bearing) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def _hub_km(lat: float, lon: float) -> float:
    dlat = (lat - HUB.lat) * KM_PER_DEGREE
    dlon = (lon - HUB.lon) * KM_PER_DEGREE * math.cos(math.radians(HUB.lat))
    return math.hypot(dlat, dlon)


def scenario(
    *, seed: int, villages: int, parcels: int, vehicles: int, dirty: bool
) -> tuple[list[Stop], list[Parcel], list[Vehicle]]:
    """Build a reproducible day for one hub."""
    rng = random.Random(seed)

    # A few valleys: a bearing from the hub, villages strung along it with some spread.
    valleys = [(rng.uniform(0, 360), rng.uniform(0.6, 1.4)) for _ in range(rng.randint(3, 5))]
    stops: list[Stop] = []
    village_stops: list[Stop] = []
    centre_stops: list[Stop] = []
    activity: list[float] = []
    for number in range(1, villages + 1):
        bearing, _share = rng.choices(valleys, weights=[w for _, w in valleys])[0]
        while True:
            along = rng.uniform(5, 38)
            lat, lon = _offset(HUB.lat, HUB.lon, bearing + rng.gauss(0, 6), along)
            lat, lon = _offset(lat, lon, rng.uniform(0, 360), abs(rng.gauss(0, 1.5)))
            if 5 <= _hub_km(lat, lon) <= 40:
                break
        hours = rng.random()
        if hours < 0.15:
            window = (8 * 60, 12 * 60)
        elif hours < 0.30:
            window = (13 * 60, 17 * 60)
        else:
            window = (8 * 60, 17 * 60)
        village = Stop(f"village:{number}", round(lat, 6), round(lon, 6), *window, 10)
        village_stops.append(village)
        activity.append(rng.uniform(0.3, 2.0))
        if rng.random() < 0.2:
            clat, clon = _offset(lat, lon, rng.uniform(0, 360), rng.uniform(0.1, 0.6))
            centre_stops.append(
                Stop(f"centre:{number}", round(clat, 6), round(clon, 6), 8 * 60, 18 * 60, 10)
            )
    if not centre_stops:  # every day has somewhere to deliver to
        first = village_stops[0]
        centre_stops.append(Stop("centre:1", first.lat, first.lon, 8 * 60, 18 * 60, 10))
    stops = village_stops + centre_stops

    parcel_list: list[Parcel] = []
    for number in range(1, parcels + 1):
        size = rng.random()
        if size < 0.5:
            kg = rng.uniform(0.3, 3)
        elif size < 0.85:
            kg = rng.uniform(3, 10)
        else:
            kg = rng.uniform(10, 25)
        density = rng.uniform(150, 450)  # kg per m3: sacks of produce to crates of goods
        weight_g = round(kg * 1000)
        volume_cm3 = round(kg / density * 1_000_000)
        deliver = rng.random() < 0.2
        if deliver:
            stop = rng.choice(centre_stops)
        else:
            stop = rng.choices(village_stops, weights=activity)[0]
        parcel_list.append(Parcel(f"SH-{number:06d}", stop.key, weight_g, volume_cm3, deliver))

    # Service time: ten minutes, and a minute for every parcel past the fifth.
    at_stop = Counter(p.stop_key for p in parcel_list)
    stops = [
        Stop(s.key, s.lat, s.lon, s.open_min, s.close_min, 10 + max(0, at_stop[s.key] - 5))
        for s in stops
    ]

    if dirty:
        far_lat, far_lon = _offset(HUB.lat, HUB.lon, 90, 260)
        stops += [
            Stop("village:nowhere", None, None, 8 * 60, 17 * 60),
            Stop("village:far", far_lat, far_lon, 8 * 60, 17 * 60),
        ]
        parcel_list += [
            Parcel("SH-BAD-1", "village:nowhere", 2_000, 8_000),
            Parcel("SH-BAD-2", "village:unknown", 2_000, 8_000),
            Parcel("SH-BAD-3", village_stops[0].key, 1_500_000, 900_000),
            Parcel("SH-BAD-4", "village:far", 2_000, 8_000),
        ]

    fleet = [
        Vehicle(
            key=f"KDA {100 + number}X",
            capacity_g=1_000_000,
            capacity_cm3=3_000_000,
            start_min=7 * 60,
            max_shift_min=10 * 60,
            cost_per_km_minor=4_500,
            speed_kmh=40,
        )
        for number in range(1, vehicles + 1)
    ]
    return stops, parcel_list, fleet


def kes(minor: int) -> str:
    return f"KES {minor / 100:,.2f}"


def figures(plan: Plan, parcel_count: int) -> dict[str, object]:
    reasons = Counter(str(entry.code) for entry in plan.unplanned)
    return {
        "km": round(plan.total_km, 1),
        "cost_minor": plan.total_cost_minor,
        "naive_km": round(plan.naive_km, 1),
        "naive_cost_minor": plan.naive_cost_minor,
        "saving_percent": round(plan.saving_percent, 1),
        "vehicles_used": len(plan.routes),
        "trips": sum(route.trips for route in plan.routes),
        "stops_visited": sum(
            1 for route in plan.routes for visit in route.visits if visit.stop_key != "hub"
        ),
        "parcels": parcel_count,
        "planned": len(plan.planned_keys),
        "unplanned": len(plan.unplanned),
        "unplanned_by_reason": dict(sorted(reasons.items())),
        "solve_seconds": round(plan.solve_seconds, 2),
        "model_nodes": plan.model_nodes,
        "route_km": [round(route.km, 1) for route in plan.routes],
        "route_hours": [round(route.minutes / 60, 1) for route in plan.routes],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--villages", type=int, default=50)
    parser.add_argument("--parcels", type=int, default=400)
    parser.add_argument("--vehicles", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=5.0, help="solver seconds")
    parser.add_argument("--dirty", action="store_true", help="add parcels with bad input")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()

    stops, parcels, fleet = scenario(
        seed=args.seed,
        villages=args.villages,
        parcels=args.parcels,
        vehicles=args.vehicles,
        dirty=args.dirty,
    )
    plan = plan_runs(HUB, stops, parcels, fleet, time_limit_s=args.time_limit)
    problems = plan_problems(HUB, stops, parcels, fleet, plan)
    result = figures(plan, len(parcels))

    total_kg = sum(p.weight_g for p in parcels) / 1000
    total_m3 = sum(p.volume_cm3 for p in parcels) / 1_000_000
    print(
        f"seed {args.seed}: {args.villages} villages, {len(parcels)} parcels "
        f"({sum(p.deliver for p in parcels)} to deliver; {total_kg:,.0f} kg, {total_m3:.1f} m3), "
        f"{len(fleet)} vehicles, time limit {args.time_limit:g} s"
    )
    print(f"sokoni plan  {plan.total_km:8.1f} km  {kes(plan.total_cost_minor):>16}")
    print(f"naive plan   {plan.naive_km:8.1f} km  {kes(plan.naive_cost_minor):>16}")
    print(f"saving       {plan.saving_percent:8.1f} %")
    print(
        f"vehicles used {len(plan.routes)} of {len(fleet)}, {result['trips']} trips: "
        + ", ".join(
            f"{route.vehicle_key} {route.km:.0f} km {route.minutes / 60:.1f} h "
            f"{route.trips} trip(s)"
            for route in plan.routes
        )
    )
    by_reason = Counter(str(entry.code) for entry in plan.unplanned)
    reasons = ", ".join(f"{code} {n}" for code, n in sorted(by_reason.items()))
    print(
        f"parcels planned {result['planned']}, unplanned {result['unplanned']}"
        + (f" ({reasons})" if reasons else "")
    )
    print(f"solve time   {plan.solve_seconds:8.2f} s ({plan.model_nodes} nodes in the model)")

    misses = []
    if plan.saving_percent < SAVING_TARGET:
        misses.append(f"saving {plan.saving_percent:.1f} % < {SAVING_TARGET:.0f} %")
    if plan.solve_seconds > SOLVE_TARGET_S:
        misses.append(f"solve time {plan.solve_seconds:.2f} s > {SOLVE_TARGET_S:.0f} s")
    no_room = sum(1 for entry in plan.unplanned if entry.code == "no_room")
    if no_room:
        misses.append(f"{no_room} parcel(s) left out for lack of room")
    result["plan_sound"] = not problems
    result["targets_met"] = not misses
    if args.json:
        print(json.dumps(result, sort_keys=True))
    if problems:
        print(f"verdict: FAIL, the plan is unsound ({len(problems)} problem(s)):")
        for problem in problems[:20]:
            print(f"  {problem}")
        return 1
    if misses:
        print("verdict: FAIL, " + "; ".join(misses))
        return 2
    print(
        f"verdict: PASS (saving >= {SAVING_TARGET:.0f} %, solve <= {SOLVE_TARGET_S:.0f} s, "
        "every plannable parcel planned, plan checked sound)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
