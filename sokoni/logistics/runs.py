"""A hub's consolidated pickup runs: which parcels the day holds, the plan, and who sees it.

``runs_plan`` gathers a hub's work for one day (parcels to collect in the villages it serves,
parcels that reached it to take to service centres), hands it to the routing engine
(``routing.plan_runs``) and replaces the hub's planned runs of that day with what comes back:
one ``Run`` per vehicle used, its ``RunStop`` rows in driving order, and a ``RunLeftover`` with
a reason for each parcel the day cannot take. Nothing marks a parcel as planned: a parcel left
over is still waiting for the carrier (or at the hub), so the next day's plan takes it again.

Runs already on the road or done are kept as they are, with their vehicles and parcels.

The reads at the end are the permission checks of the driver and hub pages: a driver sees
their runs, hub staff the runs of their hub, Sokoni staff everything, anyone else nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sokoni.accounts.models import User
from sokoni.core.errors import InvalidInput, NotFound, StaleState
from sokoni.core.money import Money
from sokoni.core.tasks import defer
from sokoni.logistics import routing
from sokoni.logistics.models import (
    PlannedDay,
    Run,
    RunLeftover,
    RunStop,
    Shipment,
    TrackingEvent,
    Vehicle,
)
from sokoni.logistics.shipments import shipments_cancel_unsent
from sokoni.logistics.states import RunStatus, ShipmentStatus
from sokoni.orders.states import HELD
from sokoni.shipping.models import Hub, HubVillage
from sokoni.shipping.promise import country_zone
from sokoni.shipping.selectors import road_factor_for
from sokoni.villages.models import ServiceCentre, Village

# Minutes a vehicle spends at each stop (handing over, loading, signing).
SERVICE_MIN: Final = 10
# When a service centre takes parcels in, unless we know better.
CENTRE_OPEN: Final = dt.time(8, 0)
CENTRE_CLOSE: Final = dt.time(17, 0)
# Village collection window when the village's hub link is gone (the shipment keeps its hub).
VILLAGE_OPEN: Final = dt.time(8, 0)
VILLAGE_CLOSE: Final = dt.time(17, 0)
# The daily task plans each hub's day at this local time, when the night's orders are in.
PLAN_AT: Final = dt.time(5, 0)
# A hub's day still without a plan this long after PLAN_AT has lost its task: the clock's
# sweep (``plan_due``) plans it.
PLAN_LOST_AFTER: Final = dt.timedelta(minutes=30)
# Reasons Sokoni adds to the engine's (``routing.Reason``).
NO_VEHICLE: Final = "no_vehicle"
ORDER_CLOSED: Final = "order_closed"
REASON_TEXT: Final[dict[str, Any]] = {
    **{str(code): text for code, text in routing.REASON_TEXT.items()},
    NO_VEHICLE: gettext_lazy("The hub has no vehicle free for the day."),
    ORDER_CLOSED: gettext_lazy(
        "The order is no longer paid for: send the parcel back to the seller, not to the buyer."
    ),
}
_HELD = list(HELD)
logger = logging.getLogger(__name__)
_KEPT = (RunStatus.STARTED, RunStatus.DONE)


@dataclass(frozen=True)
class PlanResult:
    """What one planning of a hub's day stored, with the figures for people."""

    hub: Hub
    day: dt.date
    runs: tuple[Run, ...]  # the new plan, one run per vehicle used
    kept: tuple[Run, ...]  # runs already started or done that day, left as they were
    leftovers: tuple[RunLeftover, ...]
    parcels_planned: int
    collections: int
    deliveries: int
    cancelled: int  # shipments of orders closed before collection, cancelled on the way
    metres: int
    naive_metres: int
    solve_seconds: float
    costs: tuple[Money, ...] = field(default_factory=tuple)  # one per currency

    @property
    def km(self) -> Decimal:
        return _km(self.metres)

    @property
    def naive_km(self) -> Decimal:
        return _km(self.naive_metres)

    @property
    def saving_percent(self) -> float:
        """Distance saved against driving to every stop and back on its own."""
        if self.naive_metres <= 0:
            return 0.0
        return 100.0 * (self.naive_metres - self.metres) / self.naive_metres


def _km(metres: int) -> Decimal:
    return (Decimal(metres) / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _kg(grams: int) -> Decimal:
    return (Decimal(grams) / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def minutes_of(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def hub_today(hub: Hub, now: dt.datetime | None = None) -> dt.date:
    """Today in the hub's country."""
    return (now or timezone.now()).astimezone(country_zone(hub.country)).date()


def road_factor_of(hub: Hub) -> Decimal:
    """The road factor of the hub's region, as quotes price the legs from it."""
    return road_factor_for(hub.country, hub.region)


# -- the day's work ----------------------------------------------------------------------------


@dataclass
class _Work:
    """The engine's input for one hub and day, and what maps its keys back to rows."""

    depot: routing.Depot
    stops: dict[str, routing.Stop]
    parcels: list[routing.Parcel]
    vehicles: list[routing.Vehicle]
    shipments: dict[str, Shipment]
    vehicle_rows: dict[str, Vehicle]
    kept_ids: frozenset[int]
    closed: list[Shipment]  # at the hub for a centre, but the order was refunded meanwhile
    cancelled: int
    road_factor: float


def _village_stop(village: Village, link: HubVillage | None) -> routing.Stop:
    opens = link.collect_from if link else VILLAGE_OPEN
    closes = link.collect_until if link else VILLAGE_CLOSE
    return routing.Stop(
        key=f"village:{village.pk}",
        lat=_coordinate(village.latitude),
        lon=_coordinate(village.longitude),
        open_min=minutes_of(opens),
        close_min=minutes_of(closes),
        service_min=SERVICE_MIN,
    )


def _centre_stop(centre: ServiceCentre) -> routing.Stop:
    own = centre.latitude is not None and centre.longitude is not None
    place: ServiceCentre | Village = centre if own else centre.village
    return routing.Stop(
        key=f"centre:{centre.pk}",
        lat=_coordinate(place.latitude),
        lon=_coordinate(place.longitude),
        open_min=minutes_of(CENTRE_OPEN),
        close_min=minutes_of(CENTRE_CLOSE),
        service_min=SERVICE_MIN,
    )


def _coordinate(value: object) -> float | None:
    """A stored coordinate as a float, or None (the engine leaves such stops out)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def _kept_runs(hub: Hub, day: dt.date) -> QuerySet[Run]:
    return Run.objects.filter(Q(hub=hub) | Q(vehicle__hub=hub), date=day, status__in=_KEPT)


def _collections(hub: Hub) -> tuple[list[Shipment], int]:
    """Parcels waiting in the hub's villages for the carrier, of paid orders; shipments of
    orders closed meanwhile are cancelled (nobody should drive out for them)."""
    waiting = Shipment.objects.filter(origin_hub=hub, status=ShipmentStatus.AWAITING_PICKUP)
    closed = list(
        waiting.exclude(order__status__in=_HELD).values_list("order_id", flat=True).distinct()
    )
    cancelled = shipments_cancel_unsent(order_ids=closed) if closed else 0
    found = waiting.filter(order__status__in=_HELD).select_related("origin_village", "order")
    return list(found.order_by("pk")), cancelled


def _deliveries(hub: Hub) -> list[Shipment]:
    """Parcels for a service centre that reached their last hub, this one.

    A parcel whose latest arrival was recorded at another hub (its first hub, before the line
    haul) is not here yet; an arrival recorded without a hub is taken to be here.
    """
    arrived_at = Subquery(
        TrackingEvent.objects.filter(shipment=OuterRef("pk"), kind=ShipmentStatus.AT_HUB)
        .order_by("-at", "-pk")
        .values("hub_id")[:1]
    )
    return list(
        Shipment.objects.filter(
            destination_hub=hub,
            status=ShipmentStatus.AT_HUB,
            centre__isnull=False,
            is_export=False,
        )
        .annotate(arrived_at=arrived_at)
        .filter(Q(origin_hub=hub) | Q(arrived_at=hub.pk) | Q(arrived_at__isnull=True))
        .select_related("centre__village", "order")
        .order_by("pk")
    )


def _gather(hub: Hub, day: dt.date) -> _Work:
    kept = list(_kept_runs(hub, day))
    kept_ids = frozenset(run.pk for run in kept)
    on_the_road = set(
        Shipment.objects.filter(
            Q(collected_at__run__in=kept_ids) | Q(delivered_at_stop__run__in=kept_ids)
        ).values_list("pk", flat=True)
    )
    collections, cancelled = _collections(hub)
    collections = [s for s in collections if s.pk not in on_the_road]
    deliveries: list[Shipment] = []
    closed: list[Shipment] = []
    for shipment in _deliveries(hub):
        if shipment.pk in on_the_road:
            continue
        (deliveries if shipment.order.status in HELD else closed).append(shipment)

    links = HubVillage.objects.in_bulk([s.origin_village_id for s in collections])
    stops: dict[str, routing.Stop] = {}
    parcels: list[routing.Parcel] = []
    shipments: dict[str, Shipment] = {}
    for shipment in collections:
        stop = _village_stop(shipment.origin_village, links.get(shipment.origin_village_id))
        stops.setdefault(stop.key, stop)
        parcels.append(_parcel(shipment, stop.key, deliver=False))
        shipments[str(shipment.pk)] = shipment
    for shipment in deliveries:
        if shipment.centre is None:  # filtered out above; keeps the type checker sure
            continue
        stop = _centre_stop(shipment.centre)
        stops.setdefault(stop.key, stop)
        parcels.append(_parcel(shipment, stop.key, deliver=True))
        shipments[str(shipment.pk)] = shipment

    busy = Run.objects.filter(date=day, status__in=_KEPT).values("vehicle_id")
    fleet = list(
        Vehicle.objects.filter(hub=hub, is_active=True)
        .exclude(pk__in=busy)
        .select_related("driver")
        .order_by("pk")
    )
    return _Work(
        # A hub without coordinates plans nothing: the engine leaves every parcel out.
        depot=routing.Depot(
            lat=_or_nan(_coordinate(hub.latitude)), lon=_or_nan(_coordinate(hub.longitude))
        ),
        stops=stops,
        parcels=parcels,
        vehicles=[
            routing.Vehicle(
                key=str(v.pk),
                capacity_g=v.capacity_g,
                capacity_cm3=v.capacity_cm3,
                start_min=minutes_of(v.shift_start),
                max_shift_min=v.max_shift_minutes,
                cost_per_km_minor=v.cost_per_km_minor,
                speed_kmh=v.speed_kmh,
            )
            for v in fleet
        ],
        shipments=shipments,
        vehicle_rows={str(v.pk): v for v in fleet},
        kept_ids=kept_ids,
        closed=closed,
        cancelled=cancelled,
        road_factor=float(road_factor_of(hub)),
    )


def _parcel(shipment: Shipment, stop_key: str, *, deliver: bool) -> routing.Parcel:
    return routing.Parcel(
        key=str(shipment.pk),
        stop_key=stop_key,
        weight_g=shipment.weight_g,
        volume_cm3=shipment.volume_cm3,
        deliver=deliver,
    )


# -- planning ----------------------------------------------------------------------------------


def runs_plan(*, hub: Hub, day: dt.date, time_limit_s: float = 5.0) -> PlanResult:
    """Plan the hub's runs of ``day`` and store them in place of its planned runs of that day.

    Idempotent: planning a day again replaces its planned runs and leftovers (one plan per hub
    and day). Runs already started or done are kept with their vehicles and parcels. Never
    raises on bad data (a place without coordinates, a parcel no vehicle can carry, a hub
    without vehicles): such parcels become leftovers with a reason and the rest is planned.

    The engine runs outside any transaction (it takes up to ``time_limit_s``); the plan is
    written in one transaction holding the hub's row lock, so two plannings of one hub follow
    each other. Should a run start while the engine works, the day is planned again.
    """
    result = _plan_day(hub, day, time_limit_s, keep_a_plan=False)
    if result is None:  # pragma: no cover - only a plan that may be kept gives none
        raise StaleState()
    return result


def _plan_day(
    hub: Hub, day: dt.date, time_limit_s: float, *, keep_a_plan: bool
) -> PlanResult | None:
    """``runs_plan``; with ``keep_a_plan``, a day that has a plan (seen again under the hub's
    lock, before writing) is left as it is and None returned."""
    if not isinstance(day, dt.date):
        raise InvalidInput(_("Give the day to plan."), field="day")
    time_limit_s = min(max(float(time_limit_s), 0.1), 600.0)
    planned = PlannedDay.objects.filter(hub=hub, date=day)
    for _attempt in range(3):
        if keep_a_plan and planned.exists():
            return None
        work = _gather(hub, day)
        if work.vehicles and work.parcels:
            plan = routing.plan_runs(
                work.depot,
                list(work.stops.values()),
                work.parcels,
                work.vehicles,
                road_factor=work.road_factor,
                time_limit_s=time_limit_s,
            )
        else:
            plan = _no_plan(work)
        with transaction.atomic():
            Hub.objects.select_for_update().only("pk").get(pk=hub.pk)
            if keep_a_plan and planned.exists():
                return None  # planned meanwhile (hub staff, the daily task): theirs stands
            if frozenset(_kept_runs(hub, day).values_list("pk", flat=True)) != work.kept_ids:
                continue  # a run started meanwhile: its parcels and vehicle are taken
            return _store(hub, day, work, plan)
    raise StaleState(_("Runs kept starting while the day was planned. Try again."))


def _no_plan(work: _Work) -> routing.Plan:
    """The plan of a day with nothing to do or nothing to do it with."""
    return routing.Plan(
        routes=(),
        unplanned=tuple(
            routing.Unplanned(p.key, NO_VEHICLE, REASON_TEXT[NO_VEHICLE])  # type: ignore[arg-type]
            for p in work.parcels
        ),
        total_metres=0,
        total_cost_minor=0,
        naive_metres=0,
        naive_cost_minor=0,
        solve_seconds=0.0,
    )


def _store(hub: Hub, day: dt.date, work: _Work, plan: routing.Plan) -> PlanResult:
    Run.objects.filter(
        Q(hub=hub) | Q(vehicle__in=list(work.vehicle_rows.values())),
        date=day,
        status=RunStatus.PLANNED,
    ).delete()
    RunLeftover.objects.filter(hub=hub, date=day).delete()
    PlannedDay.objects.update_or_create(hub=hub, date=day, defaults={"planned_at": timezone.now()})

    runs: list[Run] = []
    collect_links: list[Any] = []
    deliver_links: list[Any] = []
    collect_through = RunStop.collect.through
    deliver_through = RunStop.deliver.through
    planned = 0
    collections = deliveries = 0
    for route in plan.routes:
        vehicle = work.vehicle_rows[route.vehicle_key]
        run = Run.objects.create(
            hub=hub,
            date=day,
            vehicle=vehicle,
            driver=vehicle.driver,
            status=RunStatus.PLANNED,
            km=_km(route.metres),
            minutes=route.minutes,
            cost_minor=route.cost_minor,
            currency=vehicle.currency,
        )
        runs.append(run)
        stops = RunStop.objects.bulk_create(
            RunStop(
                run=run,
                seq=seq,
                village_id=_place_id(visit.stop_key, "village"),
                centre_id=_place_id(visit.stop_key, "centre"),
                arrive_min=visit.arrival_min,
                depart_min=visit.departure_min,
            )
            for seq, visit in enumerate(route.visits, start=1)
        )
        for stop, visit in zip(stops, route.visits, strict=True):
            at_hub = visit.stop_key == routing.HUB_KEY
            # At a stop: collected there, delivered there. At the hub: loaded for delivery,
            # unloaded after collection (the engine's own reading of the two lists).
            collect_links += [
                collect_through(runstop_id=stop.pk, shipment_id=int(key)) for key in visit.collected
            ]
            deliver_links += [
                deliver_through(runstop_id=stop.pk, shipment_id=int(key)) for key in visit.delivered
            ]
            if not at_hub:
                planned += len(visit.collected) + len(visit.delivered)
                collections += len(visit.collected)
                deliveries += len(visit.delivered)
    collect_through.objects.bulk_create(collect_links)
    deliver_through.objects.bulk_create(deliver_links)

    leftovers = [
        RunLeftover(
            hub=hub,
            date=day,
            shipment_id=int(entry.parcel_key),
            reason=str(entry.code)[:20],
            detail=_detail(str(entry.code), entry.reason, work, entry.parcel_key)[:200],
        )
        for entry in plan.unplanned
        if entry.parcel_key in work.shipments
    ]
    leftovers += [
        RunLeftover(
            hub=hub,
            date=day,
            shipment=shipment,
            reason=ORDER_CLOSED,
            detail=str(REASON_TEXT[ORDER_CLOSED])[:200],
        )
        for shipment in work.closed
    ]
    RunLeftover.objects.bulk_create(leftovers)

    costs: dict[str, int] = defaultdict(int)
    for run in runs:
        costs[run.currency] += run.cost_minor
    return PlanResult(
        hub=hub,
        day=day,
        runs=tuple(runs),
        kept=tuple(Run.objects.filter(pk__in=work.kept_ids).order_by("pk")),
        leftovers=tuple(
            RunLeftover.objects.filter(hub=hub, date=day)
            .select_related("shipment")
            .order_by("shipment__code")
        ),
        parcels_planned=planned,
        collections=collections,
        deliveries=deliveries,
        cancelled=work.cancelled,
        metres=plan.total_metres,
        naive_metres=plan.naive_metres,
        solve_seconds=plan.solve_seconds,
        costs=tuple(Money(minor, currency) for currency, minor in sorted(costs.items())),
    )


def _place_id(stop_key: str, kind: str) -> int | None:
    prefix, _sep, pk = stop_key.partition(":")
    return int(pk) if prefix == kind and pk.isdigit() else None


def _detail(code: str, reason: object, work: _Work, parcel_key: str) -> str:
    """The reason for people, with the figure that explains it where there is one."""
    text = str(REASON_TEXT.get(code, reason))
    shipment = work.shipments[parcel_key]
    if code == routing.Reason.TOO_HEAVY and work.vehicles:
        biggest = max(work.vehicles, key=lambda v: (v.capacity_g, v.capacity_cm3))
        return _("%(text)s %(kg)s kg, %(litres)s l; the largest vehicle takes %(max)s kg.") % {
            "text": text,
            "kg": f"{shipment.weight_g / 1000:.1f}",
            "litres": f"{shipment.volume_cm3 / 1000:.0f}",
            "max": f"{biggest.capacity_g / 1000:.0f}",
        }
    if code == routing.Reason.UNKNOWN_COORDINATES:
        if not routing.valid_coordinates(work.depot.lat, work.depot.lon):
            return _("The hub has no valid coordinates: set them in the admin.")
        if shipment.status == ShipmentStatus.AWAITING_PICKUP:
            place = shipment.origin_village.name
        else:
            place = shipment.centre.name if shipment.centre else ""
        return f"{text} ({place})" if place else text
    return text


# -- scheduling --------------------------------------------------------------------------------


def runs_next_day(hub: Hub, now: dt.datetime | None = None) -> tuple[dt.date, dt.datetime]:
    """The next day the daily task plans for the hub, and when: at PLAN_AT local time, today
    if that is still to come, else tomorrow (so the cron may run at any hour)."""
    zone = country_zone(hub.country)
    local = (now or timezone.now()).astimezone(zone)
    day = local.date() if local.time() < PLAN_AT else local.date() + dt.timedelta(days=1)
    return day, dt.datetime.combine(day, PLAN_AT, tzinfo=zone)


def runs_schedule_daily(*, now: dt.datetime | None = None) -> list[tuple[Hub, dt.date]]:
    """Queue the next day's planning of every open hub (``plan_runs --all --schedule``, from a
    daily cron line). Running it twice queues the same plannings twice, which is harmless:
    each replaces the plan of its day."""
    from sokoni.logistics.tasks import plan_runs_task

    queued: list[tuple[Hub, dt.date]] = []
    for hub in Hub.objects.filter(is_active=True).order_by("code"):
        day, at = runs_next_day(hub, now)
        defer(plan_runs_task, hub.pk, day.isoformat(), run_after=at)
        queued.append((hub, day))
    return queued


def runs_plan_due(*, now: dt.datetime | None = None) -> list[PlanResult]:
    """Plan today for every open hub whose daily planning was lost (``manage.py plan_due``, a
    sweep of the clock); return the plans made.

    The daily task plans a hub's day at PLAN_AT local time; a day that still has no plan
    ``PLAN_LOST_AFTER`` later is planned here. A day that has one (the task's, the sweep's,
    or hub staff's, with runs possibly on the road or edited since) is never planned again:
    the plan is written only if none appeared while the engine worked. The next day is not
    touched: its PLAN_AT has not come. A failure at one hub is logged and the others are
    still planned.
    """
    moment = now or timezone.now()
    plans: list[PlanResult] = []
    for hub in Hub.objects.filter(is_active=True).order_by("code"):
        local = moment.astimezone(country_zone(hub.country))
        due_at = dt.datetime.combine(local.date(), PLAN_AT, tzinfo=local.tzinfo)
        if local < due_at + PLAN_LOST_AFTER:
            continue
        try:  # a day that has a plan is left as it is (``keep_a_plan``, before any work)
            result = _plan_day(hub, local.date(), 5.0, keep_a_plan=True)
        except Exception:
            logger.exception("planning hub %s for %s failed", hub.code, local.date())
            continue
        if result is not None:
            plans.append(result)
    return plans


# -- reads: who sees which runs ----------------------------------------------------------------


def _active(user: User | Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def runs_list_for_user(user: User | Any) -> QuerySet[Run]:
    """The runs a person may see: those they drive, and all runs of hubs they staff
    (Sokoni staff: every run). Anyone else: none."""
    runs = Run.objects.select_related("hub", "vehicle", "driver")
    if not _active(user):
        return runs.none()
    if user.is_staff:
        return runs.all()
    ids = Run.objects.filter(Q(driver=user) | Q(vehicle__driver=user) | Q(hub__staff=user)).values(
        "pk"
    )
    return runs.filter(pk__in=ids)


def run_get_for_user(user: User | Any, run_id: int) -> Run:
    """A run the person may see, or ``NotFound``."""
    run = runs_list_for_user(user).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("No run of yours has that number."))
    return run


def hub_for_staff(user: User | Any, code: str) -> Hub:
    """A hub the person staffs (Sokoni staff: any hub), or ``NotFound``."""
    if not _active(user):
        raise NotFound()
    hubs = Hub.objects.filter(code=str(code)[:40])
    if not user.is_staff:
        hubs = hubs.filter(staff=user)
    hub = hubs.first()
    if hub is None:
        raise NotFound(_("No hub of yours has that code."))
    return hub


def hubs_staffed(user: User | Any) -> list[Hub]:
    if not _active(user):
        return []
    return list(Hub.objects.filter(staff=user, is_active=True).order_by("name"))


@dataclass(frozen=True)
class ParcelLine:
    code: str
    order_number: str
    shop: str
    weight_g: int

    @property
    def kg(self) -> Decimal:
        return _kg(self.weight_g)


@dataclass(frozen=True)
class StopLine:
    """One stop of a run as drivers read it."""

    seq: int
    place: str
    is_hub: bool
    arrive: dt.time
    leave: dt.time
    collect: tuple[ParcelLine, ...]
    deliver: tuple[ParcelLine, ...]

    @property
    def weight_g(self) -> int:
        return sum(p.weight_g for p in (*self.collect, *self.deliver))

    @property
    def kg(self) -> Decimal:
        return _kg(self.weight_g)


def _clock(minutes: int) -> dt.time:
    minutes = max(0, minutes) % (24 * 60)
    return dt.time(minutes // 60, minutes % 60)


def _lines(shipments: Iterable[Shipment]) -> tuple[ParcelLine, ...]:
    return tuple(
        ParcelLine(s.code, s.order.number, s.order.shop.name, s.weight_g)
        for s in sorted(shipments, key=lambda s: s.code)
    )


def run_stop_lines(run: Run) -> list[StopLine]:
    """The run's stops in driving order with the parcels to collect and to drop at each."""
    stops = (
        RunStop.objects.filter(run=run)
        .select_related("village", "centre")
        .prefetch_related("collect__order__shop", "deliver__order__shop")
        .order_by("seq")
    )
    lines = []
    for stop in stops:
        if stop.centre is not None:
            place = stop.centre.name
        elif stop.village is not None:
            place = stop.village.name
        else:
            place = run.hub.name
        lines.append(
            StopLine(
                seq=stop.seq,
                place=place,
                is_hub=stop.centre is None and stop.village is None,
                arrive=_clock(stop.arrive_min),
                leave=_clock(stop.depart_min),
                collect=_lines(stop.collect.all()),
                deliver=_lines(stop.deliver.all()),
            )
        )
    return lines


@dataclass(frozen=True)
class HubDay:
    """A hub's day for its staff: the runs, the parcels left over, the totals."""

    hub: Hub
    day: dt.date
    runs: tuple[Run, ...]
    leftovers: tuple[RunLeftover, ...]
    km: Decimal
    costs: tuple[Money, ...]
    parcels: int


def hub_day(hub: Hub, day: dt.date) -> HubDay:
    runs = tuple(
        Run.objects.filter(hub=hub, date=day)
        .select_related("vehicle", "driver")
        .order_by("vehicle__name", "pk")
    )
    costs: dict[str, int] = defaultdict(int)
    for run in runs:
        costs[run.currency] += run.cost_minor
    return HubDay(
        hub=hub,
        day=day,
        runs=runs,
        leftovers=tuple(
            RunLeftover.objects.filter(hub=hub, date=day)
            .select_related("shipment__order")
            .order_by("reason", "shipment__code")
        ),
        km=sum((run.km for run in runs), Decimal("0.0")),
        costs=tuple(Money(minor, currency) for currency, minor in sorted(costs.items())),
        parcels=len(set(_parcel_ids(runs))),
    )


def leftover_text(code: str, detail: str) -> str:
    """A leftover's reason for people: as stored, else the reason's own words."""
    return detail or str(REASON_TEXT.get(code, code))


def _parcel_ids(runs: Sequence[Run]) -> list[int]:
    stops = RunStop.objects.filter(run__in=runs).filter(
        Q(village__isnull=False) | Q(centre__isnull=False)
    )
    return [
        *stops.values_list("collect", flat=True).exclude(collect=None),
        *stops.values_list("deliver", flat=True).exclude(deliver=None),
    ]
