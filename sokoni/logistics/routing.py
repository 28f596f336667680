"""Plan a hub's vehicle runs for one day: collect parcels in villages, deliver to centres.

A pure engine: plain dataclasses in, a `Plan` out, no models and no database. The caller
(`plan_runs` command, driver pages) turns shipments, villages and vehicles into `Stop`,
`Parcel` and `Vehicle` values and stores what comes back.

The model, solved with OR-Tools' routing library:

- One node per (stop, direction), holding all the parcels of that stop going that way; a stop
  whose parcels would not fit half of the largest vehicle is split into several chunks, so two
  vehicles or two trips can share it. Fifty villages and 400 parcels make some 80 nodes.
- Loads are exact for mixed runs. A vehicle leaves the hub carrying what it will deliver, its
  load falls at each delivery and rises at each collection. Each delivery node is paired with a
  copy of itself at the hub (pickup and delivery on the same vehicle, hub first), so the load
  dimension starts at zero and every step is a real loading or unloading.
- Several trips per vehicle: optional "turnaround" nodes at the hub unload what was collected
  (the load dimension may fall there by a slack, nowhere else). A parcel loaded for delivery is
  delivered within the same trip, which a trip-count dimension enforces; otherwise an unload
  could hide parcels still on board.
- Time windows of stops, waiting allowed, a maximum shift per vehicle, travel time from the
  vehicle's speed (minutes rounded up, so the schedule never promises too much).
- Every parcel node is optional with a penalty far above any route's cost, scaled by its
  number of parcels, so the solver drops nodes only when the day cannot hold them.

Input the day cannot use never raises: each such parcel is listed in `Plan.unplanned` with a
reason code (`Reason`) and the rest is planned.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final, NamedTuple

from django.utils.translation import gettext_lazy as _
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

HUB_KEY: Final = "hub"
EARTH_RADIUS_M: Final = 6_371_000.0
# A stop's parcels are split when they exceed this share of the largest vehicle that can reach it.
CHUNK_SHARE: Final = 0.5
# The solver gets what is left of the time limit after building the model, at least this.
MIN_SOLVER_S: Final = 0.05


class Reason(StrEnum):
    """Why a parcel is not in today's plan.

    Checked in this order: a repeated parcel key, a stop not given (or named like the hub),
    a stop (or the hub) without valid coordinates, no vehicle at all (`NO_ROOM`), no vehicle
    it fits in both weight and volume, none of those that can reach the stop in its window and
    be back within its shift; whatever passes goes to the solver, which may still drop it.
    """

    UNKNOWN_COORDINATES = "unknown_coordinates"
    UNKNOWN_STOP = "unknown_stop"
    TOO_HEAVY = "too_heavy"
    UNREACHABLE = "unreachable"
    NO_ROOM = "no_room"
    DUPLICATE = "duplicate_parcel"


REASON_TEXT: Final[dict[Reason, StrPromise]] = {
    Reason.UNKNOWN_COORDINATES: _("The stop has no valid coordinates."),
    Reason.UNKNOWN_STOP: _("The parcel's stop is not served by this hub."),
    Reason.TOO_HEAVY: _("The parcel is heavier or bulkier than any vehicle can carry."),
    Reason.UNREACHABLE: _(
        "No vehicle can reach the stop within its opening hours and be back within its shift."
    ),
    Reason.NO_ROOM: _("No room left today: not enough vehicles, capacity or time."),
    Reason.DUPLICATE: _("The same parcel was given twice; it is planned once."),
}


@dataclass(frozen=True)
class Depot:
    """The hub where every run starts and ends."""

    lat: float
    lon: float


@dataclass(frozen=True)
class Stop:
    """A place a vehicle may visit: a village collection point or a service centre.

    Coordinates of None (or out of range) make its parcels unplanned. The window is in minutes
    after midnight; service must start inside it, and a vehicle arriving early waits.
    """

    key: str
    lat: float | None
    lon: float | None
    open_min: int
    close_min: int
    service_min: int = 10


@dataclass(frozen=True)
class Parcel:
    """A parcel to collect at its stop for the hub, or (deliver=True) to take from the hub there."""

    key: str
    stop_key: str
    weight_g: int
    volume_cm3: int
    deliver: bool = False


@dataclass(frozen=True)
class Vehicle:
    """A vehicle of the hub for the day; cost is in integer minor units per km."""

    key: str
    capacity_g: int
    capacity_cm3: int
    start_min: int
    max_shift_min: int
    cost_per_km_minor: int
    speed_kmh: int = 40


@dataclass(frozen=True)
class Visit:
    """One stop of a route (or the hub, stop_key HUB_KEY), in driving order.

    At a stop, `delivered` parcels are handed over first, then `collected` ones taken on. At the
    hub, `delivered` are the collected parcels unloaded there and `collected` the parcels loaded
    for delivery. The load is the vehicle's load when it leaves.
    """

    stop_key: str
    arrival_min: int
    service_start_min: int
    departure_min: int
    collected: tuple[str, ...]
    delivered: tuple[str, ...]
    load_g: int
    load_cm3: int

    @property
    def wait_min(self) -> int:
        return self.service_start_min - self.arrival_min


@dataclass(frozen=True)
class Route:
    """The day's run of one vehicle, from the hub back to the hub."""

    vehicle_key: str
    visits: tuple[Visit, ...]
    metres: int
    minutes: int
    cost_minor: int

    @property
    def km(self) -> float:
        return self.metres / 1000

    @property
    def trips(self) -> int:
        """How many times the vehicle leaves the hub."""
        return sum(1 for visit in self.visits[:-1] if visit.stop_key == HUB_KEY)


class Unplanned(NamedTuple):
    parcel_key: str
    code: Reason
    reason: StrPromise


@dataclass(frozen=True)
class Plan:
    """The runs of a day, the parcels left out, and the naive baseline for comparison.

    The baseline drives hub -> stop -> hub once for every stop that has plannable parcels (all
    checks passed, even if the solver then found no room), at the cheapest vehicle's rate.
    """

    routes: tuple[Route, ...]
    unplanned: tuple[Unplanned, ...]
    total_metres: int
    total_cost_minor: int
    naive_metres: int
    naive_cost_minor: int
    solve_seconds: float
    model_nodes: int = 0  # the solver's nodes: the hub, parcel groups, hub copies, turnarounds

    @property
    def total_km(self) -> float:
        return self.total_metres / 1000

    @property
    def naive_km(self) -> float:
        return self.naive_metres / 1000

    @property
    def saving_percent(self) -> float:
        """Distance saved against the naive baseline, in percent (0 without a baseline)."""
        if self.naive_metres <= 0:
            return 0.0
        return 100.0 * (self.naive_metres - self.total_metres) / self.naive_metres

    @property
    def planned_keys(self) -> tuple[str, ...]:
        """Keys of the planned parcels, in the order they reach or leave their stops."""
        return tuple(
            key
            for route in self.routes
            for visit in route.visits
            if visit.stop_key != HUB_KEY
            for key in (*visit.delivered, *visit.collected)
        )


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(metres: int, speed_kmh: int) -> int:
    """Return the driving time for a distance, in whole minutes rounded up."""
    metres_per_hour = speed_kmh * 1000
    return (metres * 60 + metres_per_hour - 1) // metres_per_hour


def valid_coordinates(lat: float | None, lon: float | None) -> bool:
    if lat is None or lon is None:
        return False
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


# --- the model's nodes ---------------------------------------------------------------------

COLLECT: Final = "collect"  # parcels taken on at a stop
DELIVER: Final = "deliver"  # parcels handed over at a stop
LOAD: Final = "load"  # the hub copy of a DELIVER node: its parcels loaded
TURNAROUND: Final = "turnaround"  # back at the hub mid-shift: collected parcels unloaded
START: Final = "start"


@dataclass(frozen=True)
class _Node:
    kind: str
    stop_key: str
    location: int  # index into the location list (0 is the hub)
    parcels: tuple[Parcel, ...] = ()
    open_min: int = 0
    close_min: int = 0
    service_min: int = 0
    vehicles: tuple[int, ...] = ()  # vehicles allowed to serve it

    @property
    def weight_g(self) -> int:
        return sum(p.weight_g for p in self.parcels)

    @property
    def volume_cm3(self) -> int:
        return sum(p.volume_cm3 for p in self.parcels)


def _fits(vehicle: Vehicle, weight_g: int, volume_cm3: int) -> bool:
    return weight_g <= vehicle.capacity_g and volume_cm3 <= vehicle.capacity_cm3


def _usable(vehicle: Vehicle) -> bool:
    return (
        vehicle.capacity_g > 0
        and vehicle.capacity_cm3 > 0
        and vehicle.max_shift_min > 0
        and vehicle.speed_kmh > 0
        and vehicle.start_min >= 0
    )


def _clean(parcel: Parcel) -> Parcel:
    """Return the parcel with negative sizes read as zero (bad input, still a parcel)."""
    if parcel.weight_g >= 0 and parcel.volume_cm3 >= 0:
        return parcel
    return Parcel(
        key=parcel.key,
        stop_key=parcel.stop_key,
        weight_g=max(0, parcel.weight_g),
        volume_cm3=max(0, parcel.volume_cm3),
        deliver=parcel.deliver,
    )


def _chunks(parcels: Sequence[Parcel], vehicles: Sequence[Vehicle]) -> list[tuple[Parcel, ...]]:
    """Split a stop's parcels into groups that each fit one of `vehicles`.

    Each parcel fits at least one of them (checked before). The number of groups starts from
    the total over CHUNK_SHARE of the largest vehicle; parcels go largest first into the
    lightest group, and the count grows until every group fits a vehicle.
    """
    limit_g = max(v.capacity_g for v in vehicles) * CHUNK_SHARE
    limit_cm3 = max(v.capacity_cm3 for v in vehicles) * CHUNK_SHARE

    def size(weight_g: int, volume_cm3: int) -> float:
        return max(weight_g / limit_g, volume_cm3 / limit_cm3)

    ordered = sorted(parcels, key=lambda p: (-size(p.weight_g, p.volume_cm3), p.key))
    total = size(sum(p.weight_g for p in parcels), sum(p.volume_cm3 for p in parcels))
    count = max(1, math.ceil(total - 1e-9))
    while True:
        groups: list[list[Parcel]] = [[] for _ in range(count)]
        sums = [[0, 0] for _ in range(count)]
        for parcel in ordered:
            lightest = min(range(count), key=lambda i: (size(*sums[i]), i))
            groups[lightest].append(parcel)
            sums[lightest][0] += parcel.weight_g
            sums[lightest][1] += parcel.volume_cm3
        if all(any(_fits(v, g, c) for v in vehicles) for g, c in sums) or count >= len(parcels):
            return [tuple(sorted(group, key=lambda p: p.key)) for group in groups if group]
        count += 1


# --- the entry point -----------------------------------------------------------------------


def plan_runs(
    depot: Depot,
    stops: Iterable[Stop],
    parcels: Iterable[Parcel],
    vehicles: Iterable[Vehicle],
    *,
    road_factor: float = 1.3,
    time_limit_s: float = 5.0,
    hub_turnaround_min: int = 15,
    max_trips: int = 3,
    solution_limit: int | None = None,
) -> Plan:
    """Plan the day's runs of one hub.

    Distances are great-circle times `road_factor`. The search starts from parallel cheapest
    insertion and improves by guided local search until `time_limit_s` has passed in all;
    the best plan found is returned. The same input gives the same plan as long as the search
    is stopped at the same point: with a time limit that is true of small days (the best plan
    is found early) and nearly so of large ones; `solution_limit` also stops it after that
    many solutions, which makes the result independent of the machine's speed.

    A vehicle may come back to the hub to unload (`hub_turnaround_min`) and go out again, up to
    `max_trips` trips. Never raises on bad input: see `Reason`.
    """
    started = time.perf_counter()
    stop_list = list(stops)
    parcel_list = list(parcels)
    fleet: list[Vehicle] = []
    for vehicle in vehicles:  # unusable vehicles and repeated keys are left in the garage
        if _usable(vehicle) and all(v.key != vehicle.key for v in fleet):
            fleet.append(vehicle)
    factor = _road_factor(road_factor)

    unplanned: list[Unplanned] = []

    def leave_out(parcel: Parcel, code: Reason) -> None:
        unplanned.append(Unplanned(parcel.key, code, REASON_TEXT[code]))

    stop_by_key: dict[str, Stop] = {}
    for stop in stop_list:
        if stop.key != HUB_KEY:  # the hub's own key cannot name a stop
            stop_by_key.setdefault(stop.key, stop)
    hub_ok = valid_coordinates(depot.lat, depot.lon)

    # Locations: the hub, then each stop with usable coordinates.
    locations: list[tuple[float, float]] = [(depot.lat, depot.lon)]
    location_of: dict[str, int] = {}
    for key, stop in stop_by_key.items():
        lat, lon = stop.lat, stop.lon
        if hub_ok and lat is not None and lon is not None and valid_coordinates(lat, lon):
            location_of[key] = len(locations)
            locations.append((lat, lon))
    metres = [
        [round(haversine_m(*a, *b) * factor) if i != j else 0 for j, b in enumerate(locations)]
        for i, a in enumerate(locations)
    ]

    def reaches(vehicle: Vehicle, stop: Stop) -> bool:
        loc = location_of[stop.key]
        there = travel_minutes(metres[0][loc], vehicle.speed_kmh)
        back = travel_minutes(metres[loc][0], vehicle.speed_kmh)
        begin = max(vehicle.start_min + there, stop.open_min)
        service = max(0, stop.service_min)
        return begin <= stop.close_min and begin + service + back <= (
            vehicle.start_min + vehicle.max_shift_min
        )

    # Sort each parcel: left out with a reason, or into its (stop, direction) group.
    seen: set[str] = set()
    groups: dict[tuple[str, bool], list[Parcel]] = {}
    for raw in parcel_list:
        parcel = _clean(raw)
        if parcel.key in seen:
            leave_out(parcel, Reason.DUPLICATE)
            continue
        seen.add(parcel.key)
        target = stop_by_key.get(parcel.stop_key)
        if target is None:
            leave_out(parcel, Reason.UNKNOWN_STOP)
        elif target.key not in location_of:
            leave_out(parcel, Reason.UNKNOWN_COORDINATES)
        elif not fleet:
            leave_out(parcel, Reason.NO_ROOM)
        else:
            carriers = [v for v in fleet if _fits(v, parcel.weight_g, parcel.volume_cm3)]
            if not carriers:
                leave_out(parcel, Reason.TOO_HEAVY)
            elif not any(reaches(v, target) for v in carriers):
                leave_out(parcel, Reason.UNREACHABLE)
            else:
                groups.setdefault((target.key, parcel.deliver), []).append(parcel)

    naive_metres = sum(2 * metres[0][location_of[key]] for key in {k for k, _d in groups})
    cheapest = min((v.cost_per_km_minor for v in fleet), default=0)
    naive_cost = _cost_minor(naive_metres, max(0, cheapest))

    routes: tuple[Route, ...] = ()
    model_nodes = 0
    if groups:
        routes, dropped, model_nodes = _solve(
            groups=groups,
            stop_by_key=stop_by_key,
            location_of=location_of,
            metres=metres,
            fleet=fleet,
            reaches=reaches,
            hub_turnaround_min=max(0, hub_turnaround_min),
            max_trips=max(1, max_trips),
            deadline=started + time_limit_s,
            solution_limit=solution_limit,
        )
        for parcel in dropped:
            leave_out(parcel, Reason.NO_ROOM)

    return Plan(
        routes=routes,
        unplanned=tuple(unplanned),
        total_metres=sum(r.metres for r in routes),
        total_cost_minor=sum(r.cost_minor for r in routes),
        naive_metres=naive_metres,
        naive_cost_minor=naive_cost,
        solve_seconds=time.perf_counter() - started,
        model_nodes=model_nodes,
    )


def _road_factor(road_factor: float) -> float:
    """Return the factor from great circle to road, 1 when the one given makes no sense."""
    return road_factor if math.isfinite(road_factor) and road_factor > 0 else 1.0


def _cost_minor(metres: int, cost_per_km_minor: int) -> int:
    return (metres * cost_per_km_minor + 500) // 1000


def _solve(
    *,
    groups: dict[tuple[str, bool], list[Parcel]],
    stop_by_key: dict[str, Stop],
    location_of: dict[str, int],
    metres: list[list[int]],
    fleet: list[Vehicle],
    reaches: Callable[[Vehicle, Stop], bool],
    hub_turnaround_min: int,
    max_trips: int,
    deadline: float,
    solution_limit: int | None,
) -> tuple[tuple[Route, ...], list[Parcel], int]:
    """Build the routing model for the grouped parcels and solve it.

    Return the routes, the parcels dropped for lack of room and the number of nodes.
    """
    everyone = tuple(range(len(fleet)))

    # Nodes: 0 is the hub (every vehicle's start and end), then parcel nodes, then turnarounds.
    nodes: list[_Node] = [_Node(START, HUB_KEY, 0)]
    pairs: list[tuple[int, int]] = []  # (LOAD node, DELIVER node)
    for (stop_key, deliver), members in sorted(groups.items()):
        stop = stop_by_key[stop_key]
        able = tuple(i for i, v in enumerate(fleet) if reaches(v, stop))
        for chunk in _chunks(members, [fleet[i] for i in able]):
            weight = sum(p.weight_g for p in chunk)
            volume = sum(p.volume_cm3 for p in chunk)
            allowed = tuple(i for i in able if _fits(fleet[i], weight, volume))
            node = _Node(
                DELIVER if deliver else COLLECT,
                stop_key,
                location_of[stop_key],
                chunk,
                max(0, stop.open_min),
                stop.close_min,
                max(0, stop.service_min),
                allowed,
            )
            if deliver:
                pairs.append((len(nodes), len(nodes) + 1))
                nodes.append(_Node(LOAD, HUB_KEY, 0, chunk, vehicles=allowed))
            nodes.append(node)
    parcel_nodes = len(nodes) - 1
    turnarounds = len(fleet) * (max_trips - 1)
    nodes.extend(
        _Node(TURNAROUND, HUB_KEY, 0, service_min=hub_turnaround_min, vehicles=everyone)
        for _ in range(turnarounds)
    )
    size = len(nodes)

    manager = pywrapcp.RoutingIndexManager(size, len(fleet), 0)
    routing = pywrapcp.RoutingModel(manager)
    solver = routing.solver()
    # The solver's variable index of each node (the hub's is vehicle 0's start).
    index_of = [manager.NodeToIndex(n) for n in range(size)]

    def node_metres(i: int, j: int) -> int:
        return metres[nodes[i].location][nodes[j].location]

    # Cost: metres times the vehicle's rate; leaving a turnaround costs one minor unit more so
    # the search does not keep useless ones.
    cost_callbacks: dict[int, int] = {}
    for v, vehicle in enumerate(fleet):
        rate = max(0, vehicle.cost_per_km_minor)
        if rate not in cost_callbacks:
            matrix = [
                [
                    (node_metres(i, j) * rate) // 1000 + (1 if nodes[i].kind == TURNAROUND else 0)
                    for j in range(size)
                ]
                for i in range(size)
            ]
            cost_callbacks[rate] = routing.RegisterTransitMatrix(matrix)
        routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[rate], v)

    # Capacity, twice: weight and volume. Turnarounds may drop the load by a slack.
    for name, of_node, capacity in (
        ("weight", lambda n: n.weight_g, [v.capacity_g for v in fleet]),
        ("volume", lambda n: n.volume_cm3, [v.capacity_cm3 for v in fleet]),
    ):
        biggest = max(capacity)
        demands = []
        for node in nodes:
            if node.kind in (COLLECT, LOAD):
                demands.append(of_node(node))
            elif node.kind == DELIVER:
                demands.append(-of_node(node))
            elif node.kind == TURNAROUND:
                demands.append(-biggest)
            else:
                demands.append(0)
        callback = routing.RegisterUnaryTransitVector(demands)
        routing.AddDimensionWithVehicleCapacity(callback, biggest, capacity, True, name)
        dimension = routing.GetDimensionOrDie(name)
        for n in range(size):
            if nodes[n].kind != TURNAROUND:
                dimension.SlackVar(index_of[n]).SetValue(0)
    for v in range(len(fleet)):
        for name in ("weight", "volume"):
            routing.GetDimensionOrDie(name).SlackVar(routing.Start(v)).SetValue(0)

    # Trips: a parcel loaded at the hub is delivered before the next turnaround.
    trip_callback = routing.RegisterUnaryTransitVector(
        [1 if node.kind == TURNAROUND else 0 for node in nodes]
    )
    routing.AddDimension(trip_callback, 0, max_trips, True, "trips")
    trips = routing.GetDimensionOrDie("trips")

    # Time: service (once per run of chunks of the same stop) plus travel at the vehicle's speed.
    horizon = max(
        max(v.start_min + v.max_shift_min for v in fleet),
        max(node.close_min for node in nodes),
    )
    time_callbacks: dict[int, int] = {}
    for vehicle in fleet:
        if vehicle.speed_kmh not in time_callbacks:
            matrix = [
                [_transit_min(nodes, node_metres, i, j, vehicle.speed_kmh) for j in range(size)]
                for i in range(size)
            ]
            time_callbacks[vehicle.speed_kmh] = routing.RegisterTransitMatrix(matrix)
    routing.AddDimensionWithVehicleTransits(
        [time_callbacks[v.speed_kmh] for v in fleet], horizon, horizon, False, "time"
    )
    clock = routing.GetDimensionOrDie("time")
    for v, vehicle in enumerate(fleet):
        clock.CumulVar(routing.Start(v)).SetValue(vehicle.start_min)
        clock.CumulVar(routing.End(v)).SetMax(vehicle.start_min + vehicle.max_shift_min)

    # Windows, allowed vehicles, and optional nodes.
    # A parcel is worth more than driving to every node and back at the dearest rate.
    dearest = max(0, *(v.cost_per_km_minor for v in fleet))
    worth = 1_000 + sum(
        2 * _cost_minor(node_metres(0, n), dearest) for n in range(1, parcel_nodes + 1)
    )
    for n in range(1, size):
        node, index = nodes[n], index_of[n]
        if node.kind in (COLLECT, DELIVER):
            clock.CumulVar(index).SetRange(node.open_min, node.close_min)
        barred = [v for v in everyone if v not in node.vehicles]
        if barred:  # (SetAllowedVehiclesForIndex takes no Python list in ortools 9.15)
            routing.VehicleVar(index).RemoveValues(barred)
        # A LOAD node follows its DELIVER node in or out (pickup and delivery pair).
        penalty = 0 if node.kind in (TURNAROUND, LOAD) else worth * len(node.parcels)
        routing.AddDisjunction([index], penalty)
    for load_node, deliver_node in pairs:
        pick, drop = index_of[load_node], index_of[deliver_node]
        routing.AddPickupAndDelivery(pick, drop)
        solver.Add(routing.VehicleVar(pick) == routing.VehicleVar(drop))
        solver.Add(clock.CumulVar(pick) <= clock.CumulVar(drop))
        solver.Add(trips.CumulVar(pick) == trips.CumulVar(drop))

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    # Keep a little of the budget back for reading the answer.
    remaining = (deadline - time.perf_counter()) * 0.98
    parameters.time_limit.FromMilliseconds(int(max(MIN_SOLVER_S, remaining) * 1000))
    if solution_limit is not None and solution_limit > 0:
        parameters.solution_limit = solution_limit
    solution = routing.SolveWithParameters(parameters)

    all_parcels = [p for node in nodes if node.kind in (COLLECT, DELIVER) for p in node.parcels]
    if solution is None:
        return (), all_parcels, size

    routes: list[Route] = []
    served: set[int] = set()
    for v, vehicle in enumerate(fleet):
        sequence = [0]
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            sequence.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        sequence.append(0)
        if not any(nodes[n].kind in (COLLECT, DELIVER) for n in sequence):
            continue
        served.update(sequence)
        routes.append(_route(vehicle, sequence, nodes, node_metres, stop_by_key))
    dropped = [
        p
        for n, node in enumerate(nodes)
        if node.kind in (COLLECT, DELIVER) and n not in served
        for p in node.parcels
    ]
    return tuple(routes), sorted(dropped, key=lambda p: p.key), size


def _transit_min(
    nodes: list[_Node], node_metres: Callable[[int, int], int], i: int, j: int, speed_kmh: int
) -> int:
    """Return minutes from the start of service at node i to arrival at node j.

    Consecutive chunks of one stop share one service time (it is counted when leaving the
    last of them); at the hub only a turnaround takes time.
    """
    if i == j:
        return 0
    a, b = nodes[i], nodes[j]
    service = 0 if (a.stop_key == b.stop_key and a.kind != TURNAROUND) else a.service_min
    return service + travel_minutes(node_metres(i, j), speed_kmh)


def _route(
    vehicle: Vehicle,
    sequence: list[int],
    nodes: list[_Node],
    node_metres: Callable[[int, int], int],
    stop_by_key: dict[str, Stop],
) -> Route:
    """Replay a vehicle's node sequence into visits with times and loads.

    Consecutive nodes at one place become one visit. Times are the earliest the sequence
    allows (service starts on arrival or at opening), which the solver's schedule proves
    feasible; a turnaround with nothing to unload takes no time, and the vehicle leaves the
    hub late rather than wait at its first stop.
    """
    blocks: list[list[int]] = []
    for n in sequence:
        if blocks and nodes[blocks[-1][-1]].stop_key == nodes[n].stop_key:
            blocks[-1].append(n)
        else:
            blocks.append([n])

    visits: list[Visit] = []
    on_board: list[Parcel] = []  # collected parcels, to unload at the hub
    load_g = load_cm3 = 0
    clock = vehicle.start_min
    route_metres = 0
    previous = 0
    for position, block in enumerate(blocks):
        first = block[0]
        if position > 0:
            leg = node_metres(previous, first)
            route_metres += leg
            clock += travel_minutes(leg, vehicle.speed_kmh)
        arrival = clock
        kinds = {nodes[n].kind for n in block}
        if nodes[first].stop_key == HUB_KEY:
            last = position == len(blocks) - 1
            unloaded = tuple(on_board) if (TURNAROUND in kinds or last) else ()
            loaded = [p for n in block if nodes[n].kind == LOAD for p in nodes[n].parcels]
            start = arrival
            turnaround = max(nodes[n].service_min for n in block)
            departure = start + (turnaround if unloaded and not last else 0)
            if unloaded:
                on_board = []
            delivered, collected = unloaded, tuple(loaded)
        else:
            stop = stop_by_key[nodes[first].stop_key]
            start = max(arrival, stop.open_min)
            departure = start + max(0, stop.service_min)
            delivered = tuple(
                p for n in block if nodes[n].kind == DELIVER for p in nodes[n].parcels
            )
            collected = tuple(
                p for n in block if nodes[n].kind == COLLECT for p in nodes[n].parcels
            )
            on_board.extend(collected)
        load_g += sum(p.weight_g for p in collected) - sum(p.weight_g for p in delivered)
        load_cm3 += sum(p.volume_cm3 for p in collected) - sum(p.volume_cm3 for p in delivered)
        visits.append(
            Visit(
                stop_key=nodes[first].stop_key,
                arrival_min=arrival,
                service_start_min=start,
                departure_min=departure,
                collected=tuple(p.key for p in collected),
                delivered=tuple(p.key for p in delivered),
                load_g=load_g,
                load_cm3=load_cm3,
            )
        )
        clock = departure
        previous = block[-1]

    # Leave the hub late instead of waiting at the first stop.
    first_stop = visits[1]
    wait = first_stop.wait_min
    if wait > 0 and visits[0].departure_min == visits[0].arrival_min:
        hub = visits[0]
        visits[0] = Visit(
            hub.stop_key,
            hub.arrival_min,
            hub.service_start_min,
            hub.departure_min + wait,
            hub.collected,
            hub.delivered,
            hub.load_g,
            hub.load_cm3,
        )
        visits[1] = Visit(
            first_stop.stop_key,
            first_stop.arrival_min + wait,
            first_stop.service_start_min,
            first_stop.departure_min,
            first_stop.collected,
            first_stop.delivered,
            first_stop.load_g,
            first_stop.load_cm3,
        )
    return Route(
        vehicle_key=vehicle.key,
        visits=tuple(visits),
        metres=route_metres,
        minutes=visits[-1].arrival_min - visits[0].departure_min,
        cost_minor=_cost_minor(route_metres, max(0, vehicle.cost_per_km_minor)),
    )


# --- an independent check of a plan --------------------------------------------------------


def plan_problems(
    depot: Depot,
    stops: Iterable[Stop],
    parcels: Iterable[Parcel],
    vehicles: Iterable[Vehicle],
    plan: Plan,
    *,
    road_factor: float = 1.3,
) -> list[str]:
    """Replay a plan against its input and return what is wrong with it (empty when sound).

    Independent of the solver: distances are recomputed in floating point, so it also catches
    a schedule that only holds by rounding. Checked: every parcel planned exactly once or listed
    unplanned; each route starts and ends at the hub within its vehicle's shift; every leg takes
    at least its driving time; service starts within the stop's window and lasts its service
    time; each parcel is collected at its stop and unloaded at the hub, or loaded at the hub and
    delivered at its stop, on one vehicle; the load (replayed, and as reported) never exceeds
    either capacity or falls below zero; distances, costs and totals add up.
    """
    stop_by_key: dict[str, Stop] = {}
    for given_stop in stops:
        stop_by_key.setdefault(given_stop.key, given_stop)
    wanted: dict[str, int] = {}
    parcel_by_key: dict[str, Parcel] = {}
    for given in parcels:
        wanted[given.key] = wanted.get(given.key, 0) + 1
        parcel_by_key.setdefault(given.key, _clean(given))
    vehicle_by_key: dict[str, Vehicle] = {}
    for given_vehicle in vehicles:
        vehicle_by_key.setdefault(given_vehicle.key, given_vehicle)
    factor = _road_factor(road_factor)
    problems: list[str] = []
    counted: dict[str, int] = {}
    used: set[str] = set()

    def place(key: str) -> tuple[float, float]:
        if key == HUB_KEY:
            return depot.lat, depot.lon
        stop = stop_by_key[key]
        return float(stop.lat or 0.0), float(stop.lon or 0.0)

    for route in plan.routes:
        name = route.vehicle_key
        vehicle = vehicle_by_key.get(name)
        if vehicle is None or name in used:
            problems.append(f"{name}: unknown vehicle or used twice")
            continue
        used.add(name)
        visits = route.visits
        if len(visits) < 3 or visits[0].stop_key != HUB_KEY or visits[-1].stop_key != HUB_KEY:
            problems.append(f"{name}: does not start and end at the hub")
            continue
        if visits[0].departure_min < vehicle.start_min:
            problems.append(f"{name}: leaves before the shift starts")
        on_board: dict[str, Parcel] = {}
        load_g = load_cm3 = 0
        metres = 0.0
        for position, visit in enumerate(visits):
            label = f"{name} visit {position} ({visit.stop_key})"
            if position > 0:
                before = visits[position - 1]
                leg = haversine_m(*place(before.stop_key), *place(visit.stop_key)) * factor
                metres += leg
                driving = leg / (vehicle.speed_kmh * 1000 / 60)
                if visit.arrival_min + 1e-3 < before.departure_min + driving:
                    problems.append(f"{label}: arrives sooner than driving allows")
            if visit.service_start_min < visit.arrival_min:
                problems.append(f"{label}: service starts before arrival")
            if visit.stop_key == HUB_KEY:
                if visit.departure_min < visit.service_start_min:
                    problems.append(f"{label}: leaves before it arrives")
                for key in visit.delivered:
                    parcel = on_board.pop(key, None)
                    if parcel is None or parcel.deliver:
                        problems.append(f"{label}: unloads {key}, not a collected parcel on board")
                    else:
                        load_g -= parcel.weight_g
                        load_cm3 -= parcel.volume_cm3
                for key in visit.collected:
                    parcel = parcel_by_key.get(key)
                    if parcel is None or not parcel.deliver:
                        problems.append(f"{label}: loads {key}, not a parcel to deliver")
                        continue
                    counted[key] = counted.get(key, 0) + 1
                    on_board[key] = parcel
                    load_g += parcel.weight_g
                    load_cm3 += parcel.volume_cm3
            else:
                stop = stop_by_key.get(visit.stop_key)
                if stop is None:
                    problems.append(f"{label}: not a stop")
                    continue
                if not (stop.open_min <= visit.service_start_min <= stop.close_min):
                    problems.append(f"{label}: service outside the window")
                if visit.departure_min < visit.service_start_min + max(0, stop.service_min):
                    problems.append(f"{label}: leaves before the service is done")
                if not visit.collected and not visit.delivered:
                    problems.append(f"{label}: nothing to do")
                for key in visit.delivered:
                    parcel = on_board.pop(key, None)
                    if parcel is None or not parcel.deliver or parcel.stop_key != stop.key:
                        problems.append(f"{label}: delivers {key}, not on board for this stop")
                    else:
                        load_g -= parcel.weight_g
                        load_cm3 -= parcel.volume_cm3
                for key in visit.collected:
                    parcel = parcel_by_key.get(key)
                    if parcel is None or parcel.deliver or parcel.stop_key != stop.key:
                        problems.append(f"{label}: collects {key}, not a parcel of this stop")
                        continue
                    counted[key] = counted.get(key, 0) + 1
                    on_board[key] = parcel
                    load_g += parcel.weight_g
                    load_cm3 += parcel.volume_cm3
            if not (0 <= load_g <= vehicle.capacity_g and 0 <= load_cm3 <= vehicle.capacity_cm3):
                problems.append(f"{label}: load {load_g} g, {load_cm3} cm3 outside capacity")
            if (visit.load_g, visit.load_cm3) != (load_g, load_cm3):
                problems.append(f"{label}: reported load differs from the replay")
        if on_board:
            problems.append(f"{name}: ends with parcels on board: {sorted(on_board)}")
        if visits[-1].arrival_min > vehicle.start_min + vehicle.max_shift_min:
            problems.append(f"{name}: back after the end of the shift")
        if abs(route.metres - metres) > len(visits):  # each leg is rounded to a metre
            problems.append(f"{name}: {route.metres} m reported, {metres:.0f} m replayed")
        if route.cost_minor != _cost_minor(route.metres, max(0, vehicle.cost_per_km_minor)):
            problems.append(f"{name}: cost does not match its distance")
        if route.minutes != visits[-1].arrival_min - visits[0].departure_min:
            problems.append(f"{name}: minutes do not match its times")

    for entry in plan.unplanned:
        counted[entry.parcel_key] = counted.get(entry.parcel_key, 0) + 1
        if entry.code not in Reason.__members__.values():
            problems.append(f"{entry.parcel_key}: unknown reason {entry.code}")
    problems.extend(
        f"{key}: given {wanted.get(key, 0)} time(s), accounted {counted.get(key, 0)}"
        for key in sorted(wanted.keys() | counted.keys())
        if counted.get(key, 0) != wanted.get(key, 0)
    )
    if plan.total_metres != sum(r.metres for r in plan.routes):
        problems.append("total distance is not the sum of the routes")
    if plan.total_cost_minor != sum(r.cost_minor for r in plan.routes):
        problems.append("total cost is not the sum of the routes")
    return problems
