"""Maritime forecast zones (`/v1/zones`): anyone reads them, admins manage them.

Zones and their regencies are public safety information, so reads are not limited by region.
No agency writes zones, whatever its regions: which regencies a zone warns is what the
region scope of observations (`domain.scope`) is checked against, so letting an agency edit
them would let it widen its own reach. A zone with an alert in force is not deleted (409
`zone-has-active-alert`, the rule is in `usecases.manage_zones`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, ConfigDict, Field

from lumbung_weather_alerts.api.deps import Admin, Zones
from lumbung_weather_alerts.domain.observations import ZONE_ID_PATTERN
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix
from lumbung_weather_alerts.domain.zones import BoundingBox, RegencyCode, Zone

router = APIRouter(prefix="/v1/zones", tags=["zones"])

MAX_REGENCIES_PER_ZONE = 60

ZoneId = Annotated[
    str, Path(pattern=ZONE_ID_PATTERN, max_length=80, description="The zone's slug.")
]

_EXAMPLE: dict[str, Any] = {
    "name_id": "Selat Bali",
    "name_en": "Bali Strait",
    "bbox": {"south": -8.8, "west": 114.3, "north": -8.0, "east": 114.7},
    "regency_codes": ["35.10", "51.01"],
}


class ZoneView(BaseModel):
    """A zone as clients see it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "selat-bali", **_EXAMPLE}]})

    id: str
    name_id: str
    name_en: str
    bbox: BoundingBox
    regency_codes: list[str]


class ZoneBody(BaseModel):
    """What an admin sends to change a zone (`PUT`): names, box and regencies, bounded sizes."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    name_id: str = Field(min_length=1, max_length=200, description="Name in Indonesian.")
    name_en: str = Field(min_length=1, max_length=200, description="Name in English.")
    bbox: BoundingBox
    regency_codes: list[RegencyCode] = Field(
        min_length=1,
        max_length=MAX_REGENCIES_PER_ZONE,
        description="Kemendagri codes `NN.NN` of the coastal regencies the zone warns.",
    )

    def zone(self, zone_id: str) -> Zone:
        """The domain zone with this id."""
        return Zone(
            id=zone_id,
            name_id=self.name_id,
            name_en=self.name_en,
            bbox=self.bbox,
            regency_codes=tuple(self.regency_codes),
        )


class NewZone(ZoneBody):
    """What an admin sends to add a zone (`POST`): the zone's slug and its fields."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "selat-bali", **_EXAMPLE}]})

    id: str = Field(pattern=ZONE_ID_PATTERN, max_length=80, description="Slug, e.g. selat-bali.")


def _view(zone: Zone) -> ZoneView:
    return ZoneView(
        **zone.model_dump(exclude={"regency_codes"}), regency_codes=[*zone.regency_codes]
    )


@router.get("", response_model=list[ZoneView], responses=problem_responses(422))
async def list_zones(
    caller: Caller,
    zones: Zones,
    regency: Annotated[RegencyPrefix | None, Query(description="Regency code prefix")] = None,
) -> list[ZoneView]:
    """Zones, optionally only those touching regencies with the given code prefix."""
    del caller  # zones are public
    return [_view(zone) for zone in await zones.list(regency)]


@router.get("/{zone_id}", response_model=ZoneView, responses=problem_responses(404, 422))
async def get_zone(zone_id: ZoneId, caller: Caller, zones: Zones) -> ZoneView:
    """One zone."""
    del caller
    return _view(await zones.get(zone_id))


@router.post(
    "",
    status_code=201,
    response_model=ZoneView,
    responses=problem_responses(400, 401, 403, 409, 422),
)
async def create_zone(admin: Admin, zones: Zones, body: NewZone) -> ZoneView:
    """Add a zone (admin); the id is the zone's slug (409 when it is taken)."""
    del admin
    return _view(await zones.create(body.zone(body.id)))


@router.put(
    "/{zone_id}",
    response_model=ZoneView,
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def replace_zone(zone_id: ZoneId, admin: Admin, zones: Zones, body: ZoneBody) -> ZoneView:
    """Change a zone's names, box or regencies (admin)."""
    del admin
    return _view(await zones.replace(body.zone(zone_id)))


@router.delete("/{zone_id}", status_code=204, responses=problem_responses(401, 403, 404, 409, 422))
async def delete_zone(zone_id: ZoneId, admin: Admin, zones: Zones) -> Response:
    """Remove a zone (admin); 409 while an alert is in force for it. Past alerts stay readable."""
    del admin
    await zones.delete(zone_id)
    return Response(status_code=204)
