"""Travel times between points, in whole seconds.

The planner asks a `TravelTimes` provider for a full matrix over the points it needs. The
default, `StraightLineTravel`, estimates road time from the great-circle distance; a
provider backed by a map service's distance matrix can be passed in its place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self):
        if not (-90 <= self.latitude <= 90) or not (-180 <= self.longitude <= 180):
            raise ValueError(
                f"Not a coordinate: latitude {self.latitude}, longitude {self.longitude}."
            )


class TravelTimes(Protocol):
    """A source of travel times: `matrix(points)[i][j]` is seconds from points[i] to points[j]."""

    def matrix(self, points: list[Point]) -> list[list[int]]: ...


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class StraightLineTravel:
    """Straight-line distance × a road factor, driven at an average city speed.

    The same point is 0 s away; any other point at least `minimum_s` (parking, stairs,
    finding the door: a visit in the same city is never 0 minutes away).
    """

    def __init__(self, speed_kmh: float = 30, road_factor: float = 1.3, minimum_s: int = 300):
        if speed_kmh <= 0:
            raise ValueError("speed_kmh must be positive.")
        if road_factor < 1:
            raise ValueError("road_factor must be at least 1.")
        if minimum_s < 0:
            raise ValueError("minimum_s must not be negative.")
        self.speed_kmh = speed_kmh
        self.road_factor = road_factor
        self.minimum_s = minimum_s

    def seconds(self, a: Point, b: Point) -> int:
        if a == b:
            return 0
        km = haversine_km(a, b) * self.road_factor
        return max(self.minimum_s, round(km / self.speed_kmh * 3600))

    def matrix(self, points: list[Point]) -> list[list[int]]:
        return [[self.seconds(a, b) for b in points] for a in points]


class FixedMatrixTravel:
    """Travel times looked up in a given table: `{(from, to): seconds}`; same point → 0.

    Useful in tests and for times fetched once from a map service.
    """

    def __init__(self, seconds: dict[tuple[Point, Point], int]):
        self._seconds = dict(seconds)

    def matrix(self, points: list[Point]) -> list[list[int]]:
        out = []
        for a in points:
            row = []
            for b in points:
                if a == b:
                    row.append(0)
                elif (a, b) in self._seconds:
                    row.append(self._seconds[(a, b)])
                else:
                    raise KeyError(f"No travel time from {a} to {b}.")
            out.append(row)
        return out
