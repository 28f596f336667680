"""Promised dates chain each leg's transit in its carrier's working days, after the cut-off."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sokoni.shipping.promise import Calendar, LegTiming, promise, promise_label

NAIROBI = ZoneInfo("Africa/Nairobi")
WEEKDAYS = Calendar()
TWO = dt.time(14, 0)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in December 2026 (1 Dec is a Tuesday), Nairobi time."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=NAIROBI)


def leg(low: int, high: int, calendar: Calendar = WEEKDAYS, cutoff: dt.time = TWO) -> LegTiming:
    return LegTiming(low, high, cutoff, calendar)


def test_before_the_cutoff_the_parcel_leaves_the_same_day():
    assert promise(at(1, 9), [leg(1, 2)], country="KE") == (
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 3),
    )


def test_after_the_cutoff_it_leaves_the_next_working_day():
    assert promise(at(1, 14), [leg(1, 2)], country="KE") == (
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 4),
    )


def test_the_cutoff_is_read_in_the_origin_country_time():
    """13:30 in Nairobi is 10:30 UTC: before a 14:00 cut-off there, whatever the server's zone."""
    moment = at(1, 13, 30).astimezone(dt.UTC)
    assert promise(moment, [leg(0, 0)], country="KE") == (dt.date(2026, 12, 1),) * 2


def test_weekends_are_skipped_by_carriers_that_rest():
    """Ordered Friday 4 Dec after the cut-off: leaves Monday 7, 2-3 working days -> Wed-Thu."""
    assert promise(at(4, 16), [leg(2, 3)], country="KE") == (
        dt.date(2026, 12, 9),
        dt.date(2026, 12, 10),
    )


def test_a_carrier_working_saturdays_counts_them():
    saturdays = Calendar(works_saturday=True)
    assert promise(at(4, 16), [leg(1, 1, saturdays)], country="KE") == (
        dt.date(2026, 12, 7),  # leaves Sat 5, arrives Mon 7 (Sunday off)
        dt.date(2026, 12, 7),
    )


def test_holidays_of_the_country_are_skipped():
    """Jamhuri Day (Sat 12 Dec) is irrelevant to a weekday carrier; Christmas and Boxing Day
    are not: ordered Thu 24 Dec, leaves Thu 24, 1 day -> Mon 28 (25 holiday, 26/27 weekend)."""
    christmas = Calendar(holidays=frozenset({dt.date(2026, 12, 25)}))
    assert promise(at(24, 9), [leg(1, 1, christmas)], country="KE") == (
        dt.date(2026, 12, 28),
        dt.date(2026, 12, 28),
    )


def test_an_order_on_a_holiday_leaves_the_next_working_day():
    christmas = Calendar(holidays=frozenset({dt.date(2026, 12, 25)}))
    assert promise(at(25, 9), [leg(0, 1, christmas)], country="KE") == (
        dt.date(2026, 12, 28),
        dt.date(2026, 12, 29),
    )


def test_legs_chain_fastest_and_slowest_separately():
    """Van 0-1 day, post 1-2 days, courier 0-1 day from Tue 1 Dec 09:00."""
    legs = [leg(0, 1), leg(1, 2), leg(0, 1)]
    assert promise(at(1, 9), legs, country="KE") == (dt.date(2026, 12, 2), dt.date(2026, 12, 7))


def test_a_later_leg_waits_for_its_own_working_day():
    """The first leg works Saturdays and arrives Sat 5; the next leaves Monday 7."""
    legs = [leg(1, 1, Calendar(works_saturday=True)), leg(1, 1)]
    assert promise(at(4, 9), legs, country="KE") == (dt.date(2026, 12, 8), dt.date(2026, 12, 8))


def test_a_calendar_with_no_working_day_is_refused():
    closed = Calendar(
        holidays=frozenset(dt.date(2026, 12, 1) + dt.timedelta(days=n) for n in range(500))
    )
    with pytest.raises(ValueError, match="no working day"):
        promise(at(1, 9), [leg(0, 0, closed)], country="KE")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Thu, Dec 3 \u2013 Sat, Dec 5"),
        ("fr", "jeu. 3 \u2013 sam. 5 déc."),
    ],
)
def test_the_label_reads_in_the_reader_language(language, text, settings):
    from django.utils import translation

    with translation.override(language):
        label = promise_label(dt.date(2026, 12, 3), dt.date(2026, 12, 5))
    assert label.replace("\u2009", " ").replace("\u202f", " ") == text
