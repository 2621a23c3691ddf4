"""Maritime forecast zones (`/v1/zones`): anyone reads them, admins manage them.

Zones and their regencies are public safety information, so reads are not limited by region.
No agency writes zones, whatever its regions: which regencies a zone warns is what the
region scope of observations (`domain.scope`) is checked against, so letting an agency edit
them would let it widen its own reach. A zone with an alert in force is not deleted (409
`zone-has-active-alert`, the rule is in `usecases.manage_zones`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from lumbung_shared.errors import DomainError, Message
from lumbung_shared.web.identity import Caller
from pydantic import BaseModel, Field, ValidationError

from lumbung_weather_alerts.api.deps import Admin, Zones
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix
from lumbung_weather_alerts.domain.zones import BoundingBox, RegencyCode, Zone

router = APIRouter(prefix="/v1/zones", tags=["zones"])

MAX_REGENCIES_PER_ZONE = 60


class ZoneView(BaseModel):
    """A zone as clients see it."""

    id: str
    name_id: str
    name_en: str
    bbox: BoundingBox
    regency_codes: list[str]


class ZoneBody(BaseModel):
    """What an admin sends to create or change a zone (bounded sizes)."""

    name_id: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    bbox: dict[str, float]
    regency_codes: list[RegencyCode] = Field(min_length=1, max_length=MAX_REGENCIES_PER_ZONE)


def _view(zone: Zone) -> ZoneView:
    return ZoneView(
        **zone.model_dump(exclude={"regency_codes"}), regency_codes=[*zone.regency_codes]
    )


def _zone(zone_id: str, body: Any) -> Zone:
    """A domain zone from untrusted JSON, or a bilingual 422."""
    try:
        parsed = ZoneBody.model_validate(body)
        return Zone.model_validate(
            {"id": zone_id, **parsed.model_dump(), "regency_codes": tuple(parsed.regency_codes)}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "body"
        raise DomainError(
            code="invalid-zone",
            message=Message(id=f"Data wilayah tidak valid: {field}.", en=f"Invalid zone: {field}."),
            status=422,
            extra={"field": field},
        ) from None


@router.get("", response_model=list[ZoneView])
async def list_zones(
    caller: Caller,
    zones: Zones,
    regency: Annotated[RegencyPrefix | None, Query(description="Regency code prefix")] = None,
) -> list[ZoneView]:
    """Zones, optionally only those touching regencies with the given code prefix."""
    del caller  # zones are public
    return [_view(zone) for zone in await zones.list(regency)]


@router.get("/{zone_id}", response_model=ZoneView)
async def get_zone(zone_id: str, caller: Caller, zones: Zones) -> ZoneView:
    """One zone."""
    del caller
    return _view(await zones.get(zone_id))


@router.post("", status_code=201, response_model=ZoneView)
async def create_zone(
    admin: Admin, zones: Zones, body: Annotated[dict[str, Any], Body()]
) -> ZoneView:
    """Add a zone (admin); the id is the zone's slug."""
    del admin
    zone_id = body.pop("id", None)
    zone = _zone(zone_id if isinstance(zone_id, str) else "", body)
    return _view(await zones.create(zone))


@router.put("/{zone_id}", response_model=ZoneView)
async def replace_zone(
    zone_id: str, admin: Admin, zones: Zones, body: Annotated[dict[str, Any], Body()]
) -> ZoneView:
    """Change a zone's names, box or regencies (admin)."""
    del admin
    body.pop("id", None)
    return _view(await zones.replace(_zone(zone_id, body)))


@router.delete("/{zone_id}", status_code=204)
async def delete_zone(zone_id: str, admin: Admin, zones: Zones) -> Response:
    """Remove a zone (admin); 409 while an alert is in force for it. Past alerts stay readable."""
    del admin
    await zones.delete(zone_id)
    return Response(status_code=204)
