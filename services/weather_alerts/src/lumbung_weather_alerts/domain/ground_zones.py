"""Which maritime zone each fishing ground lies in.

Each ground falls in the maritime zone whose bounding box holds its position (the point, or
the polygon's vertex mean); where boxes overlap, the smallest box wins (the most specific
waters, e.g. Selat Bali inside the wider southern East Java waters), then the lower id. A ground
in no known zone is refused (`ground-outside-zones`): the planner owes every ground a sea
advice, and with no zone there are no alerts or forecasts to give one from.
"""

from __future__ import annotations

from lumbung_shared.errors import DomainError, Message

from .fishing_grounds import ForecastBody
from .geo import LatLon
from .zones import Zone


def zone_at(position: LatLon, zones: list[Zone]) -> Zone | None:
    """The zone holding `position` (edges included): the smallest box, then the lowest id."""
    lat, lon = position
    holding = [
        zone
        for zone in zones
        if zone.bbox.south <= lat <= zone.bbox.north and zone.bbox.west <= lon <= zone.bbox.east
    ]
    if not holding:
        return None
    return min(holding, key=lambda zone: (_area(zone), zone.id))


def _area(zone: Zone) -> float:
    """The box's size in square degrees: enough to order boxes a few degrees apart."""
    box = zone.bbox
    return (box.north - box.south) * (box.east - box.west)


def locate_grounds(body: ForecastBody, zones: list[Zone]) -> list[Zone]:
    """The zone of every ground, in order; 422 naming each ground that lies in none."""
    found: list[Zone] = []
    outside: list[int] = []
    for index, ground in enumerate(body.grounds):
        zone = zone_at(ground.latlon, zones)
        if zone is None:
            outside.append(index)
        else:
            found.append(zone)
    if outside:
        raise GroundOutsideZonesError(outside)
    return found


class GroundOutsideZonesError(DomainError):
    """422: some grounds lie in no known maritime zone (`GET /v1/zones`).

    `indexes` are the grounds' positions in the body; the API answers each as a field error
    of `grounds[i]` (`OUTSIDE_ZONES` is that field's sentence)."""

    def __init__(self, indexes: list[int]) -> None:
        listed = ", ".join(str(i) for i in indexes)
        self.indexes = indexes
        super().__init__(
            code="ground-outside-zones",
            message=Message(
                id=f"Daerah penangkapan nomor {listed} tidak berada di wilayah perairan yang "
                "dikenal (GET /v1/zones).",
                en=f"Grounds {listed} lie in no known maritime zone (GET /v1/zones).",
            ),
            status=422,
            extra={"grounds_outside": indexes},
        )


OUTSIDE_ZONES = Message(
    id="Daerah penangkapan ini tidak berada di wilayah perairan yang dikenal (GET /v1/zones); "
    "tanpa wilayah tidak ada saran keselamatan berlayar untuknya.",
    en="This ground lies in no known maritime zone (GET /v1/zones); without a zone there is "
    "no sailing-safety advice for it.",
)


def touched_regencies(zones: list[Zone]) -> list[str]:
    """Every regency the zones touch, once each, in the zones' order."""
    return list(dict.fromkeys(code for zone in zones for code in zone.regency_codes))
