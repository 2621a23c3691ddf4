"""Great-circle distance and bearing on a spherical Earth, in nautical miles and degrees.

The store has no geo queries (FerretDB), so the trip planner measures in code. A sphere of
the IUGG mean radius (6,371.0088 km = 3,440.07 nm) is within 0.5 % of the ellipsoid at
Indonesian latitudes: a few hundred metres on a 50 nm trip, well below what a fishing ground's
position means. Haversine rather than the spherical law of cosines, because it stays exact for
the short distances a small boat sails.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

EARTH_RADIUS_NM = 6371.0088 / 1.852
"""The IUGG mean Earth radius in nautical miles (1 nm = 1.852 km exactly)."""

LatLon = tuple[float, float]
"""(latitude, longitude) in decimal degrees, WGS 84."""


def distance_nm(origin: LatLon, target: LatLon) -> float:
    """The great-circle (haversine) distance between two points, in nautical miles."""
    lat1, lon1 = map(math.radians, origin)
    lat2, lon2 = map(math.radians, target)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = (lon2 - lon1) / 2
    a = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_NM * math.asin(min(1.0, math.sqrt(a)))


def initial_bearing_deg(origin: LatLon, target: LatLon) -> float:
    """The course to steer at the start of the great circle, clockwise from true north, in
    [0, 360). A point to itself has no course; it answers 0 (north)."""
    lat1, lon1 = map(math.radians, origin)
    lat2, lon2 = map(math.radians, target)
    dlon = lon2 - lon1
    x = math.sin(dlon) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    if x == 0 and y == 0:
        return 0.0
    return math.degrees(math.atan2(x, y)) % 360.0


def vertex_mean(points: Sequence[LatLon]) -> LatLon:
    """The mean of a small polygon's vertices: its position for distances and zones.

    Not the area centroid: for the few-nm polygons a forecast draws, the two differ by far
    less than the polygon itself, and the mean needs no orientation or closing rules. (Longitudes
    are averaged plainly, so a polygon across the antimeridian comes out wrong; Indonesia lies
    between 95° E and 141° E, and such a polygon fails the size rule anyway.)
    """
    if not points:
        raise ValueError("no points")
    return (
        sum(lat for lat, _ in points) / len(points),
        sum(lon for _, lon in points) / len(points),
    )
