"""Go/no-go advice (`/v1/advisories?regency=…&vessel=…`) for the next 24 hours, per zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from lumbung_shared.web.identity import Caller
from pydantic import BaseModel

from lumbung_weather_alerts.api.deps import Advisor
from lumbung_weather_alerts.api.views import Text
from lumbung_weather_alerts.domain.conditions import ADVICE_HORIZON
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass, worst_risk

router = APIRouter(prefix="/v1/advisories", tags=["advisories"])


class ZoneAdvice(BaseModel):
    """The advice for one zone touching the regency."""

    zone_id: str
    zone_name: Text
    level: str
    reason: Text
    category: str | None
    category_label: Text | None


class AdvisoryView(BaseModel):
    """Advice for one vessel class in every zone touching the regency; `level` is the worst."""

    regency: str
    vessel: str
    level: str
    valid_from: datetime
    valid_to: datetime
    zones: list[ZoneAdvice]


@router.get("", response_model=AdvisoryView)
async def get_advisories(
    caller: Caller,
    advisor: Advisor,
    regency: Annotated[RegencyPrefix, Query(description="Regency code (prefix)")],
    vessel: VesselClass = VesselClass.FISHING_BOAT,
) -> AdvisoryView:
    """`safe`, `caution` or `danger` for the vessel in each zone, with the reason in id and en."""
    del caller  # public: fishers read it without signing in
    now = datetime.now(UTC)
    advice: list[ZoneAdvice] = []
    for zone, result in await advisor.for_regency(regency, vessel, now):
        category = result.category
        advice.append(
            ZoneAdvice(
                zone_id=zone.id,
                zone_name=Text(id=zone.name_id, en=zone.name_en),
                level=result.level.value,
                reason=Text(id=result.reason.id, en=result.reason.en),
                category=None if category is None else category.value,
                category_label=None
                if category is None
                else Text(id=category.label_id, en=category.label_en),
            )
        )
    levels = [Risk(a.level) for a in advice]
    return AdvisoryView(
        regency=regency,
        vessel=vessel.value,
        level=worst_risk(levels).value if advice else "caution",
        valid_from=now,
        valid_to=now + ADVICE_HORIZON,
        zones=advice,
    )
