"""Fishing-ground forecasts (titik ikan, KKP/BRIN's ZPPI): where fish are likely, for how long.

A forecast names 1..`MAX_GROUNDS` grounds, each a point or a small polygon (WGS 84), valid over
a window of at most `MAX_VALIDITY`, optionally for one species group (pelagis besar / pelagis
kecil / demersal). It is checked here before anything is stored:

- the window is ordered (`valid_from` < `valid_until`, issued no later than it ends) and at
  most 7 days long; times are kept in UTC to the millisecond, as the store keeps them, so the
  same forecast re-sent with another UTC offset is the same forecast;
- a polygon has 3..`MAX_VERTICES` distinct vertices (a closing vertex equal to the first is
  dropped) and every vertex lies within `MAX_GROUND_RADIUS_NM` of their mean: a ZPPI ground is
  a patch of sea, not a province;
- `supersedes` names other forecasts (never itself), at most `MAX_SUPERSEDES`.

Confidence is a word (`low` / `medium` / `high`), not a probability: ZPPI publishes fronts and
their strength, not calibrated chances, and a fisher reads a word; `medium` when the producer
says nothing.

Which zone each ground lies in is `domain.ground_zones`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from lumbung_shared.clock import to_millis
from lumbung_shared.errors import FieldError, Message
from lumbung_shared.fisheries import SpeciesGroup
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from .geo import LatLon, distance_nm, vertex_mean
from .zones import Latitude, Longitude

MAX_VALIDITY = timedelta(days=7)
MAX_GROUNDS = 100
MAX_VERTICES = 24
MAX_GROUND_RADIUS_NM = 30.0
"""How far a polygon's vertices may lie from their mean: a ground is a patch, ~60 nm across."""
MAX_SUPERSEDES = 20
FORECAST_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"


class Confidence(StrEnum):
    """How much the producer trusts the forecast, in words (see the module docstring)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Position(BaseModel):
    """A WGS 84 position."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lat: Latitude = Field(allow_inf_nan=False)
    lon: Longitude = Field(allow_inf_nan=False)

    @property
    def latlon(self) -> LatLon:
        return (self.lat, self.lon)


class PointGround(Position):
    """A ground given as one position."""

    kind: Literal["point"] = "point"


class PolygonGround(BaseModel):
    """A ground given as a small polygon (vertices in order, closing vertex optional)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["polygon"] = "polygon"
    vertices: list[Position] = Field(min_length=3, max_length=MAX_VERTICES + 1)

    @field_validator("vertices")
    @classmethod
    def _small_and_distinct(cls, vertices: list[Position]) -> list[Position]:
        if len(vertices) > 3 and vertices[0] == vertices[-1]:
            vertices = vertices[:-1]
        if len(vertices) > MAX_VERTICES:
            raise FieldError(
                "polygon-too-many-vertices",
                Message(
                    id=f"Poligon paling banyak {MAX_VERTICES} titik sudut.",
                    en=f"A polygon has at most {MAX_VERTICES} vertices.",
                ),
            )
        if len(set(vertices)) < 3:
            raise FieldError(
                "polygon-degenerate",
                Message(
                    id="Poligon memerlukan paling sedikit 3 titik sudut yang berbeda.",
                    en="A polygon needs at least 3 distinct vertices.",
                ),
            )
        middle = vertex_mean([v.latlon for v in vertices])
        if any(distance_nm(middle, v.latlon) > MAX_GROUND_RADIUS_NM for v in vertices):
            raise FieldError(
                "polygon-too-large",
                Message(
                    id=f"Poligon daerah penangkapan terlalu luas: setiap titik sudut harus "
                    f"dalam {MAX_GROUND_RADIUS_NM:g} mil laut dari titik tengahnya.",
                    en=f"The fishing-ground polygon is too large: every vertex must lie "
                    f"within {MAX_GROUND_RADIUS_NM:g} nm of its centre.",
                ),
            )
        return vertices

    @property
    def latlon(self) -> LatLon:
        """The polygon's position: the mean of its vertices (`geo.vertex_mean`)."""
        return vertex_mean([v.latlon for v in self.vertices])


Ground = Annotated[PointGround | PolygonGround, Field(discriminator="kind")]

EXAMPLE: dict[str, Any] = {
    "id": "zppi-20260301-wpp712-pelagis-kecil",
    "source": "BRIN/KKP ZPPI",
    "issued_at": "2026-03-01T00:00:00+07:00",
    "valid_from": "2026-03-01T00:00:00+07:00",
    "valid_until": "2026-03-03T00:00:00+07:00",
    "species_group": "pelagis_kecil",
    "confidence": "medium",
    "grounds": [
        {"kind": "point", "lat": -5.8, "lon": 106.5},
        {
            "kind": "polygon",
            "vertices": [
                {"lat": -5.6, "lon": 106.6},
                {"lat": -5.6, "lon": 106.7},
                {"lat": -5.7, "lon": 106.65},
            ],
        },
    ],
    "supersedes": [],
}


class ForecastBody(BaseModel):
    """A fishing-ground forecast as posted (`POST /v1/fishing-grounds/forecasts`) or polled."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_extra={"examples": [EXAMPLE]}
    )

    id: str = Field(
        pattern=FORECAST_ID_PATTERN,
        description="The producer's id; posting it again with the same content changes nothing.",
    )
    source: str = Field(min_length=1, max_length=200, description="Who forecast it.")
    issued_at: AwareDatetime
    valid_from: AwareDatetime
    valid_until: AwareDatetime = Field(
        description="After `valid_from`, at most 7 days later, not before `issued_at`."
    )
    species_group: SpeciesGroup | None = Field(
        default=None, description="The fish it is for (`null`: any fish)."
    )
    confidence: Confidence = Confidence.MEDIUM
    grounds: list[Ground] = Field(min_length=1, max_length=MAX_GROUNDS)
    supersedes: list[Annotated[str, Field(pattern=FORECAST_ID_PATTERN)]] = Field(
        default_factory=list,
        max_length=MAX_SUPERSEDES,
        description="Ids of earlier forecasts this one replaces (they leave the planner).",
    )

    @field_validator("issued_at", "valid_from", "valid_until")
    @classmethod
    def _utc_millis(cls, moment: datetime) -> datetime:
        try:
            return to_millis(moment.astimezone(UTC))
        except OverflowError:
            raise FieldError(
                "time-out-of-range",
                Message(
                    id="Waktu ini di luar rentang yang dapat disimpan (tahun 1-9999 UTC).",
                    en="This time is outside the storable range (years 1-9999 UTC).",
                ),
            ) from None

    @field_validator("valid_until")
    @classmethod
    def _window(cls, valid_until: datetime, info: ValidationInfo) -> datetime:
        valid_from = info.data.get("valid_from")
        issued_at = info.data.get("issued_at")
        if valid_from is not None and valid_until <= valid_from:
            raise FieldError(
                "validity-window-empty",
                Message(
                    id="Akhir masa berlaku harus sesudah awal masa berlaku.",
                    en="valid_until must be after valid_from.",
                ),
            )
        if valid_from is not None and valid_until - valid_from > MAX_VALIDITY:
            raise FieldError(
                "validity-window-too-long",
                Message(
                    id="Masa berlaku prakiraan daerah penangkapan ikan paling lama 7 hari.",
                    en="A fishing-ground forecast may be valid for at most 7 days.",
                ),
            )
        if issued_at is not None and valid_until < issued_at:
            raise FieldError(
                "issued-after-validity",
                Message(
                    id="Prakiraan tidak boleh terbit sesudah masa berlakunya berakhir.",
                    en="A forecast cannot be issued after its validity ends.",
                ),
            )
        return valid_until

    @field_validator("supersedes")
    @classmethod
    def _not_itself(cls, supersedes: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("id") in supersedes:
            raise FieldError(
                "supersedes-itself",
                Message(
                    id="Prakiraan tidak dapat menggantikan dirinya sendiri.",
                    en="A forecast cannot supersede itself.",
                ),
            )
        return list(dict.fromkeys(supersedes))

    def content_hash(self) -> str:
        """A fingerprint of the whole content: equal for a repeat, different for any change."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]
