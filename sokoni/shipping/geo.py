"""Distances on the ground: great-circle distance times the region's road factor."""

from __future__ import annotations

import math
from decimal import Decimal

EARTH_RADIUS_KM = 6371.0088
DEFAULT_ROAD_FACTOR = Decimal("1.3")


def valid_point(lat: object, lon: object) -> bool:
    """Whether a latitude and longitude are numbers inside their ranges."""
    try:
        lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return (
        math.isfinite(lat_f)
        and math.isfinite(lon_f)
        and -90 <= lat_f <= 90
        and -180 <= lon_f <= 180
    )


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance between two (latitude, longitude) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def road_km(a: tuple[float, float], b: tuple[float, float], factor: Decimal) -> int:
    """Road distance in whole kilometres (rounded up), as rate tables read it."""
    return math.ceil(great_circle_km(a, b) * float(factor) - 1e-9)
