"""The JSON shape of fishing-ground forecasts and landing sites, shared by the routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lumbung_shared.fisheries import SPECIES_GROUPS, LandingSite, SpeciesGroup
from pydantic import BaseModel, ConfigDict, Field

from lumbung_weather_alerts.api.views import Text
from lumbung_weather_alerts.domain.fishing_grounds import Confidence, Position
from lumbung_weather_alerts.domain.forecast_record import Forecast, ForecastStatus


class SpeciesGroupView(BaseModel):
    """A species group with its names and species in Indonesian and English."""

    code: SpeciesGroup
    name: Text
    species_id: list[str] = Field(description="Species names in Indonesian.")
    species_en: list[str] = Field(description="The same species in English.")


def species_group_view(group: SpeciesGroup | None) -> SpeciesGroupView | None:
    if group is None:
        return None
    info = SPECIES_GROUPS[group]
    return SpeciesGroupView(
        code=group,
        name=Text(id=info.name_id, en=info.name_en),
        species_id=list(info.species_id),
        species_en=list(info.species_en),
    )


class ZoneRef(BaseModel):
    """A maritime zone as the forecast saw it."""

    id: str
    name: Text
    regency_codes: list[str]


def zone_ref(zone: dict[str, Any]) -> ZoneRef:
    return ZoneRef(
        id=zone["id"],
        name=Text(id=zone["name_id"], en=zone["name_en"]),
        regency_codes=list(zone["regency_codes"]),
    )


class GroundView(BaseModel):
    """One ground: its position (a polygon's vertex mean), its zone, and a polygon's vertices."""

    kind: str = Field(description="`point` or `polygon`.")
    lat: float
    lon: float
    zone_id: str
    vertices: list[Position] | None = Field(description="A polygon's vertices; null for a point.")


class ForecastView(BaseModel):
    """A fishing-ground forecast as stored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "zppi-20260301-wpp712-pelagis-kecil",
                    "source": "BRIN/KKP ZPPI",
                    "issued_at": "2026-02-28T17:00:00Z",
                    "valid_from": "2026-02-28T17:00:00Z",
                    "valid_until": "2026-03-02T17:00:00Z",
                    "species_group": None,
                    "confidence": "medium",
                    "status": "active",
                    "superseded_by": None,
                    "supersedes": [],
                    "grounds": [
                        {
                            "kind": "point",
                            "lat": -5.8,
                            "lon": 106.5,
                            "zone_id": "perairan-kepulauan-seribu",
                            "vertices": None,
                        }
                    ],
                    "zones": [
                        {
                            "id": "perairan-kepulauan-seribu",
                            "name": {
                                "id": "Perairan Kepulauan Seribu",
                                "en": "Thousand Islands waters",
                            },
                            "regency_codes": ["31.01", "31.75", "36.03"],
                        }
                    ],
                    "received_at": "2026-02-28T17:05:00Z",
                }
            ]
        }
    )

    id: str
    source: str
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime
    species_group: SpeciesGroupView | None
    confidence: Confidence
    status: ForecastStatus
    superseded_by: str | None
    supersedes: list[str]
    grounds: list[GroundView]
    zones: list[ZoneRef]
    received_at: datetime


def forecast_view(forecast: Forecast) -> ForecastView:
    group = forecast.get("species_group")
    return ForecastView(
        id=forecast["_id"],
        source=forecast["source"],
        issued_at=forecast["issued_at"],
        valid_from=forecast["valid_from"],
        valid_until=forecast["valid_until"],
        species_group=species_group_view(None if group is None else SpeciesGroup(group)),
        confidence=Confidence(forecast["confidence"]),
        status=ForecastStatus(forecast["status"]),
        superseded_by=forecast.get("superseded_by"),
        supersedes=list(forecast["supersedes"]),
        grounds=[
            GroundView(
                kind=g["kind"],
                lat=g["lat"],
                lon=g["lon"],
                zone_id=g["zone_id"],
                vertices=None
                if "vertices" not in g
                else [Position(lat=v["lat"], lon=v["lon"]) for v in g["vertices"]],
            )
            for g in forecast["grounds"]
        ],
        zones=[zone_ref(zone) for zone in forecast["zones"]],
        received_at=forecast["received_at"],
    )


class LandingSiteView(BaseModel):
    """A fishing port or fish-landing place (pelabuhan perikanan / PPI / TPI)."""

    id: str = Field(description="What the planner's `from` takes.")
    name: str = Field(description="Its Indonesian name (a proper name: no English one).")
    kind: str = Field(description="PPS, PPN, PPP, PPI or TPI.")
    regency_code: str
    lat: float
    lon: float


def landing_site_view(site: LandingSite) -> LandingSiteView:
    return LandingSiteView(
        id=site.id,
        name=site.name,
        kind=site.kind,
        regency_code=site.regency_code,
        lat=site.latitude,
        lon=site.longitude,
    )
