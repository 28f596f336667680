"""The delivery promise: a date range built from each leg's transit time, cut-off and working
days, skipping the public holidays of the leg's country."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel.core import get_global
from babel.dates import format_interval
from django.conf import settings
from django.utils import translation

MAX_DAYS = 400  # a calendar with no working day at all must not loop forever


@dataclass(frozen=True)
class Calendar:
    """When one carrier works in one country."""

    works_saturday: bool = False
    works_sunday: bool = False
    holidays: frozenset[dt.date] = frozenset()

    def is_working(self, day: dt.date) -> bool:
        weekday = day.weekday()
        if (weekday == 5 and not self.works_saturday) or (weekday == 6 and not self.works_sunday):
            return False
        return day not in self.holidays

    def first_working(self, day: dt.date) -> dt.date:
        """``day`` if the carrier works on it, else the next day it does."""
        for _ in range(MAX_DAYS):
            if self.is_working(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("no working day in the calendar")

    def add(self, day: dt.date, days: int) -> dt.date:
        """The working day ``days`` working days after ``day`` (itself if 0)."""
        day = self.first_working(day)
        for _ in range(days):
            day = self.first_working(day + dt.timedelta(days=1))
        return day


@dataclass(frozen=True)
class LegTiming:
    transit_min_days: int
    transit_max_days: int
    cutoff: dt.time
    calendar: Calendar


def country_zone(country: str) -> ZoneInfo:
    """The (main) time zone of a country, for its cut-off times."""
    zones = get_global("territory_zones").get(country.upper()) or [settings.TIME_ZONE]
    return ZoneInfo(zones[0])


def promise(
    now: dt.datetime, legs: Sequence[LegTiming], *, country: str
) -> tuple[dt.date, dt.date]:
    """The earliest and latest delivery dates of a parcel ordered at ``now``.

    The first leg leaves on the order day if that is a working day of its carrier and the
    order comes before its cut-off (local time of the origin ``country``), else on its next
    working day. Each later leg leaves on the first of its own working days on or after the
    day the previous leg arrives. Fastest and slowest transit are chained separately.
    """
    local = now.astimezone(country_zone(country))
    if not legs:
        return local.date(), local.date()
    first = legs[0]
    start = local.date()
    if not first.calendar.is_working(start) or local.time() >= first.cutoff:
        start = first.calendar.first_working(start + dt.timedelta(days=1))
    earliest = latest = start
    for leg in legs:
        earliest = leg.calendar.add(earliest, leg.transit_min_days)
        latest = leg.calendar.add(latest, leg.transit_max_days)
    return earliest, latest


def promise_label(earliest: dt.date, latest: dt.date) -> str:
    """'Tue, Dec 3 - Thu, Dec 5' in the active language."""
    locale = translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)
    try:
        return format_interval(earliest, latest, "MMMEd", locale=locale)
    except (ValueError, LookupError):  # pragma: no cover - a locale Babel lacks
        return format_interval(earliest, latest, "MMMEd", locale="en")
