"""A fishing-ground forecast as stored, and who may publish or supersede one.

The record keeps each ground's position and zone id and a snapshot of the zones (names and
regencies) as they were when the forecast came in, as alert chains do: the planner and the
SSE stream read a forecast without reading the zones again, and an admin renaming a zone later
does not rewrite what was published.

Scope: an agency may publish a forecast only when **every** zone its grounds lie in touches one
of its regions (at least one coastal regency inside its scope), and supersede only forecasts it
could have published. Touching is enough here, unlike for observations (`domain.scope`): a
forecast of fish is information for the fishers of the zone, not an alert that warns or
all-clears another agency's waters. Admins and our own feed poller are unrestricted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from lumbung_shared.errors import DomainError, Message
from lumbung_shared.fisheries import SpeciesGroup

from .fishing_grounds import Confidence, ForecastBody, PolygonGround
from .geo import LatLon
from .ground_zones import touched_regencies
from .scope import RegionOutOfScopeError, RegionScope
from .subscriptions import regency_path
from .zones import Zone

Forecast = dict[str, Any]
"""A stored forecast document (see `forecast_record`)."""


class ForecastStatus(StrEnum):
    """`active` until a newer forecast supersedes it; expired ones are deleted, not marked."""

    ACTIVE = "active"
    SUPERSEDED = "superseded"


def forecast_record(
    body: ForecastBody, zones: list[Zone], now: datetime, posted_by: str
) -> Forecast:
    """The document to insert: `zones[i]` is the zone of `body.grounds[i]`."""
    distinct = list({zone.id: zone for zone in zones}.values())
    grounds = []
    for ground, zone in zip(body.grounds, zones, strict=True):
        lat, lon = ground.latlon
        entry: dict[str, Any] = {"kind": ground.kind, "lat": lat, "lon": lon, "zone_id": zone.id}
        if isinstance(ground, PolygonGround):
            entry["vertices"] = [{"lat": v.lat, "lon": v.lon} for v in ground.vertices]
        grounds.append(entry)
    regencies = touched_regencies(distinct)
    return {
        "_id": body.id,
        "content_hash": body.content_hash(),
        "source": body.source,
        "issued_at": body.issued_at,
        "valid_from": body.valid_from,
        "valid_until": body.valid_until,
        "species_group": None if body.species_group is None else body.species_group.value,
        "confidence": body.confidence.value,
        "grounds": grounds,
        "zones": [
            {
                "id": zone.id,
                "name_id": zone.name_id,
                "name_en": zone.name_en,
                "regency_codes": list(zone.regency_codes),
            }
            for zone in distinct
        ],
        "zone_ids": [zone.id for zone in distinct],
        "regency_codes": regencies,
        "regency_path": regency_path(regencies),
        "supersedes": list(body.supersedes),
        "status": ForecastStatus.ACTIVE.value,
        "superseded_by": None,
        "posted_by": posted_by,
        "received_at": now,
        "updated_at": now,
    }


@dataclass(frozen=True)
class StoredGround:
    """One ground of a stored forecast, as the planner reads it."""

    index: int
    kind: str
    position: LatLon
    zone_id: str


def grounds_of(forecast: Forecast) -> list[StoredGround]:
    """The forecast's grounds in their published order."""
    return [
        StoredGround(i, g["kind"], (g["lat"], g["lon"]), g["zone_id"])
        for i, g in enumerate(forecast["grounds"])
    ]


def species_of(forecast: Forecast) -> SpeciesGroup | None:
    value = forecast.get("species_group")
    return None if value is None else SpeciesGroup(value)


def confidence_of(forecast: Forecast) -> Confidence:
    return Confidence(forecast["confidence"])


def is_live(forecast: Forecast, now: datetime) -> bool:
    """Active and not yet past `valid_until` (the sweep deletes expired ones, reads skip them)."""
    valid_until: datetime = forecast["valid_until"]
    return forecast["status"] == ForecastStatus.ACTIVE.value and valid_until > now


def check_may_publish(scope: RegionScope, zone_regencies: list[tuple[str, list[str]]]) -> None:
    """403 unless every (zone id, its regencies) touches the scope (see the module docstring)."""
    untouched = [zone_id for zone_id, codes in zone_regencies if not _touches(scope, codes)]
    if untouched:
        listed = ", ".join(untouched)
        raise RegionOutOfScopeError(
            Message(
                id=f"Wilayah perairan {listed} tidak menyentuh wilayah tugas Anda; Anda tidak "
                "dapat menerbitkan atau menggantikan prakiraan daerah penangkapan ikan di sana.",
                en=f"Maritime zones {listed} touch none of your regions; you may not publish "
                "or supersede fishing-ground forecasts there.",
            ),
            zone_ids=untouched,
        )


def _touches(scope: RegionScope, codes: list[str]) -> bool:
    return any(scope.covers(code) for code in codes)


def zone_regencies_of(forecast: Forecast) -> list[tuple[str, list[str]]]:
    """A stored forecast's zones with their regencies (for `check_may_publish`)."""
    return [(zone["id"], list(zone["regency_codes"])) for zone in forecast["zones"]]


class ForecastExpiredError(DomainError):
    """422: the forecast's window has already ended; nothing is stored."""

    def __init__(self) -> None:
        super().__init__(
            code="forecast-expired",
            message=Message(
                id="Masa berlaku prakiraan ini sudah berakhir.",
                en="This forecast's validity has already ended.",
            ),
            status=422,
            extra={"field": "valid_until"},
        )


class ForecastIdConflictError(DomainError):
    """409: the id was already published with other content (a producer's mistake)."""

    def __init__(self, forecast_id: str) -> None:
        super().__init__(
            code="forecast-id-conflict",
            message=Message(
                id=f"Prakiraan '{forecast_id}' sudah diterbitkan dengan isi lain; terbitkan "
                "perubahan dengan id baru yang menggantikannya (supersedes).",
                en=f"Forecast '{forecast_id}' was already published with other content; "
                "publish the change under a new id that supersedes it.",
            ),
            status=409,
            extra={"forecast_id": forecast_id},
        )
