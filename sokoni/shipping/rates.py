"""Rate tables are full grids: checked before they are saved, read when a parcel is priced."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.utils.translation import gettext as _

from sokoni.shipping.errors import RateTableInvalid

RANGE_DASH = "\u2013"


def _span(pair: tuple[int, int]) -> str:
    return RANGE_DASH.join(map(str, pair))


@dataclass(frozen=True)
class Band:
    weight_from_g: int
    weight_to_g: int
    distance_from_km: int
    distance_to_km: int
    price_minor: int


def _ranges(pairs: Iterable[tuple[int, int]], what: str, unit: str) -> list[tuple[int, int]]:
    """The distinct ranges of one axis, refused unless they start at 0 and touch end to end."""
    ranges = sorted(set(pairs))
    if not ranges:
        raise RateTableInvalid(_("A rate table needs at least one band."))
    for low, high in ranges:
        if low >= high:
            raise RateTableInvalid(
                _("%(what)s band %(low)s-%(high)s %(unit)s ends before it starts.")
                % {"what": what, "low": low, "high": high, "unit": unit}
            )
    if ranges[0][0] != 0:
        raise RateTableInvalid(
            _("%(what)s bands must start at 0 %(unit)s; the first starts at %(low)s.")
            % {"what": what, "unit": unit, "low": ranges[0][0]}
        )
    for (low, high), (next_low, next_high) in pairwise(ranges):
        if next_low < high:
            raise RateTableInvalid(
                _("%(what)s bands overlap: %(a)s and %(b)s %(unit)s.")
                % {
                    "what": what,
                    "a": f"{low}{RANGE_DASH}{high}",
                    "b": f"{next_low}{RANGE_DASH}{next_high}",
                    "unit": unit,
                }
            )
        if next_low > high:
            raise RateTableInvalid(
                _("Gap in the %(what)s bands between %(high)s and %(low)s %(unit)s.")
                % {"what": what.lower(), "high": high, "low": next_low, "unit": unit}
            )
    return ranges


def check_bands(bands: Sequence[Band]) -> None:
    """Refuse a table with a gap, an overlap, a missing or a doubled cell, or a negative price.

    Every weight band crossed with every distance band must have exactly one price, so that
    any parcel lighter than the last weight band and nearer than the last distance band has a
    price, and only one.
    """
    weights = _ranges(((b.weight_from_g, b.weight_to_g) for b in bands), _("Weight"), "g")
    distances = _ranges(
        ((b.distance_from_km, b.distance_to_km) for b in bands), _("Distance"), "km"
    )
    seen: dict[tuple[tuple[int, int], tuple[int, int]], int] = {}
    for band in bands:
        if band.price_minor < 0:
            raise RateTableInvalid(_("Prices cannot be negative."))
        cell = (
            (band.weight_from_g, band.weight_to_g),
            (band.distance_from_km, band.distance_to_km),
        )
        if cell in seen:
            raise RateTableInvalid(
                _("Two prices for %(weight)s g over %(distance)s km.")
                % {"weight": _span(cell[0]), "distance": _span(cell[1])}
            )
        seen[cell] = band.price_minor
    for weight in weights:
        for distance in distances:
            if (weight, distance) not in seen:
                raise RateTableInvalid(
                    _("No price for %(weight)s g over %(distance)s km.")
                    % {
                        "weight": RANGE_DASH.join(map(str, weight)),
                        "distance": RANGE_DASH.join(map(str, distance)),
                    }
                )


def price_in(bands: Iterable[Band], weight_g: int, distance_km: int) -> int | None:
    """The price of the cell holding this weight and distance, or None past the table's end."""
    for band in bands:
        if (
            band.weight_from_g <= weight_g < band.weight_to_g
            and band.distance_from_km <= distance_km < band.distance_to_km
        ):
            return band.price_minor
    return None
