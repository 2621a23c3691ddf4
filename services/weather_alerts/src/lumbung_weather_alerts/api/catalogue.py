"""The vessel-class catalogue (`/v1/catalogue/vessel-classes`): the codes `?vessel=` takes.

Public and cacheable: a fisher's app reads it once to show "perahu nelayan" instead of
`fishing_boat`, and to say at which wind and wave heights the advice turns. The numbers are
`domain.vessels` (BMKG's standard advisory), so the catalogue and the advice never disagree.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from lumbung_weather_alerts.api.caching import cached_response
from lumbung_weather_alerts.api.views import Text
from lumbung_weather_alerts.domain.vessels import VESSEL_LIMITS, VesselClass

router = APIRouter(prefix="/v1/catalogue", tags=["catalogue"])

CATALOGUE_CACHE_CONTROL = "public, max-age=86400"
"""The table changes with a release, not during one."""


class SeaLimits(BaseModel):
    """Wind and significant wave height, a pair of limits."""

    wind_knots: float = Field(ge=0, description="Wind speed in knots.")
    wave_m: float = Field(ge=0, description="Significant wave height in metres.")


class VesselClassView(BaseModel):
    """One vessel class and the sea conditions at which its advice turns.

    `danger` when the wind or the waves are strictly over `danger_over`; `caution` when either
    has reached `caution_from` (80 % of the limit); `safe` below both.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "fishing_boat",
                    "name": {"id": "perahu nelayan", "en": "fishing boat"},
                    "danger_over": {"wind_knots": 15, "wave_m": 1.25},
                    "caution_from": {"wind_knots": 12, "wave_m": 1.0},
                }
            ]
        }
    )

    code: VesselClass = Field(description="What `GET /v1/advisories?vessel=` takes.")
    name: Text
    danger_over: SeaLimits = Field(description="BMKG's high-risk limits for the class.")
    caution_from: SeaLimits = Field(description="From here on the advice is `caution`.")


class VesselClassCatalogue(BaseModel):
    """Every vessel class, smallest vessel first."""

    items: list[VesselClassView]


def vessel_catalogue() -> VesselClassCatalogue:
    """The catalogue, from `domain.vessels.VESSEL_LIMITS`."""
    return VesselClassCatalogue(
        items=[
            VesselClassView(
                code=limits.vessel,
                name=Text(id=limits.name_id, en=limits.name_en),
                danger_over=SeaLimits(wind_knots=limits.wind_knots, wave_m=limits.wave_m),
                caution_from=SeaLimits(
                    wind_knots=limits.caution_wind_knots, wave_m=limits.caution_wave_m
                ),
            )
            for limits in VESSEL_LIMITS.values()
        ]
    )


@router.get("/vessel-classes", response_model=VesselClassCatalogue)
async def vessel_classes(request: Request) -> Response:
    """Vessel classes with their names in Indonesian and English and their risk limits."""
    body = vessel_catalogue().model_dump_json().encode()
    return cached_response(request, body, "application/json", None, CATALOGUE_CACHE_CONTROL)
