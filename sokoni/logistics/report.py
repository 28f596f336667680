"""Promise kept: the staff report of how well parcels arrive within the dates promised at
checkout, per shipping zone and carrier, over the last days (30 unless asked otherwise).

How parcels are counted (the page says the same):

- A parcel counts under the zone of its order and the carrier of its **last leg**: the courier
  or van that hands it over (or brings it to the service centre), or the international courier
  of an export. That is the carrier whose work the buyer waits for at the end.
- It **arrived** when it was delivered; a parcel for pickup arrived when the service centre
  checked it in (the promise is for its arrival there, not for the day the buyer comes).
- A parcel that arrived within the period was **kept** when the date of its arrival, in the
  destination country, is on or before the last promised day (early counts as kept), else
  **late**.
- **Overdue**: not arrived (nor returned or cancelled), its last promised day fell within the
  period and has passed in the destination country.
- **Average cost**: the carriers' charge per parcel of the row (arrived and overdue), one
  average per currency: charges in different currencies are never added.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from django.db.models import Case, DateTimeField, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.core.errors import InvalidInput, NotFound
from sokoni.logistics.models import Shipment, ShipmentLeg, TrackingEvent
from sokoni.logistics.states import ShipmentStatus
from sokoni.shipping.models import Carrier, Zone
from sokoni.shipping.promise import country_zone
from sokoni.shipping.states import ZoneKind

DEFAULT_DAYS: Final = 30
MAX_DAYS: Final = 366
_NEVER_ARRIVING: Final = (ShipmentStatus.RETURNED, ShipmentStatus.CANCELLED)
_ZONE_ORDER: Final[dict[str, int]] = {
    ZoneKind.LOCAL: 0,
    ZoneKind.NATIONAL: 1,
    ZoneKind.INTERNATIONAL: 2,
}


@dataclass(frozen=True)
class Cost:
    """The average carriers' charge per parcel in one currency."""

    currency: str
    parcels: int
    average_minor: int


@dataclass
class ReportRow:
    zone: str
    carrier: str
    arrived: int = 0
    kept: int = 0
    late: int = 0
    overdue: int = 0
    costs: tuple[Cost, ...] = ()

    @property
    def kept_percent(self) -> Decimal | None:
        return _percent(self.kept, self.arrived)

    @property
    def late_percent(self) -> Decimal | None:
        return _percent(self.late, self.arrived)


@dataclass(frozen=True)
class DeliveryReport:
    since: dt.date
    until: dt.date
    days: int
    rows: tuple[ReportRow, ...]
    total: ReportRow
    currencies: tuple[str, ...] = field(default_factory=tuple)


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class _Tally:
    """Counts and charges of one row while the parcels are read."""

    def __init__(self) -> None:
        self.arrived = self.kept = self.late = self.overdue = 0
        self.charges: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # currency -> sum, n

    def charge(self, cost_minor: int, currency: str) -> None:
        total = self.charges[currency]
        total[0] += cost_minor
        total[1] += 1

    def add(self, other: _Tally) -> None:
        self.arrived += other.arrived
        self.kept += other.kept
        self.late += other.late
        self.overdue += other.overdue
        for currency, (amount, parcels) in other.charges.items():
            total = self.charges[currency]
            total[0] += amount
            total[1] += parcels

    def row(self, zone: str, carrier: str) -> ReportRow:
        costs = tuple(
            Cost(
                currency,
                parcels,
                int((Decimal(amount) / parcels).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
            )
            for currency, (amount, parcels) in sorted(self.charges.items())
        )
        return ReportRow(zone, carrier, self.arrived, self.kept, self.late, self.overdue, costs)


def check_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            _("Choose a number of days from 1 to %(max)s.") % {"max": MAX_DAYS}, field="days"
        )
    return days


def _parcels(start: dt.datetime, now: dt.datetime) -> list[tuple]:
    """The parcels that arrived since ``start`` or whose promise ran out around the period."""
    first_at_centre = (
        TrackingEvent.objects.filter(shipment=OuterRef("pk"), kind=ShipmentStatus.AT_CENTRE)
        .order_by("at", "pk")
        .values("at")[:1]
    )
    last_carrier = (
        ShipmentLeg.objects.filter(shipment=OuterRef("pk")).order_by("-seq").values("carrier")[:1]
    )
    # Time zones differ from UTC by less than a day: the exact local dates are checked below.
    return list(
        Shipment.objects.annotate(
            arrived_at=Case(
                When(
                    centre__isnull=False,
                    is_export=False,
                    then=Coalesce(Subquery(first_at_centre), F("delivered_at")),
                ),
                default=F("delivered_at"),
                output_field=DateTimeField(),
            ),
            last_carrier=Subquery(last_carrier),
        )
        .filter(
            Q(arrived_at__gte=start, arrived_at__lte=now)
            | Q(
                arrived_at__isnull=True,
                promised_to__gte=start.date() - dt.timedelta(days=1),
                promised_to__lte=now.date() + dt.timedelta(days=1),
            )
        )
        .exclude(Q(arrived_at__isnull=True) & Q(status__in=_NEVER_ARRIVING))
        .values_list(
            "order__zone_id",
            "last_carrier",
            "arrived_at",
            "promised_to",
            "destination_country",
            "origin_hub__country",
            "cost_minor",
            "currency",
        )
    )


def delivery_report(
    user: User | None, *, days: int = DEFAULT_DAYS, now: dt.datetime | None = None
) -> DeliveryReport:
    """The promise-kept figures of the last ``days`` days, for staff (``NotFound`` for anyone
    else); see the module's docstring for how parcels are counted."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        raise NotFound()
    days = check_days(days)
    now = now or timezone.now()
    start = now - dt.timedelta(days=days)
    tallies: dict[tuple[int | None, int | None], _Tally] = defaultdict(_Tally)
    for (
        zone_id,
        carrier_id,
        arrived_at,
        promised_to,
        country,
        origin_country,
        cost_minor,
        currency,
    ) in _parcels(start, now):
        place = country_zone(country or origin_country)
        if arrived_at is None:
            today = now.astimezone(place).date()
            if not today - dt.timedelta(days=days) <= promised_to < today:
                continue  # not due yet, or due before the period
            tally = tallies[(zone_id, carrier_id)]
            tally.overdue += 1
        else:
            tally = tallies[(zone_id, carrier_id)]
            tally.arrived += 1
            if arrived_at.astimezone(place).date() <= promised_to:
                tally.kept += 1
            else:
                tally.late += 1
        tally.charge(cost_minor, currency)
    zones = Zone.objects.in_bulk([z for z, _c in tallies if z is not None])
    carriers = Carrier.objects.in_bulk([c for _z, c in tallies if c is not None])

    def order(key: tuple[int | None, int | None]) -> tuple[int, str, str]:
        zone, carrier = zones.get(key[0] or 0), carriers.get(key[1] or 0)
        return (
            _ZONE_ORDER.get(zone.kind, 3) if zone else 4,
            zone.name.casefold() if zone else "",
            carrier.name.casefold() if carrier else "",
        )

    rows = []
    total = _Tally()
    for key in sorted(tallies, key=order):
        zone, carrier = zones.get(key[0] or 0), carriers.get(key[1] or 0)
        rows.append(
            tallies[key].row(
                zone.name if zone else _("No zone"), carrier.name if carrier else _("No carrier")
            )
        )
        total.add(tallies[key])
    total_row = total.row(_("All zones"), _("All carriers"))
    return DeliveryReport(
        since=start.date(),
        until=now.date(),
        days=days,
        rows=tuple(rows),
        total=total_row,
        currencies=tuple(cost.currency for cost in total_row.costs),
    )
