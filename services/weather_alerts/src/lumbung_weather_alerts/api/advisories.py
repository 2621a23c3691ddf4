"""Go/no-go advice (`/v1/advisories?regency=…&vessel=…`) for the next 24 hours, per zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, ConfigDict, Field

from lumbung_weather_alerts.api.deps import Advisor
from lumbung_weather_alerts.api.views import Text
from lumbung_weather_alerts.domain.conditions import ADVICE_HORIZON
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass, worst_risk
from lumbung_weather_alerts.domain.waves import WaveCategory

router = APIRouter(prefix="/v1/advisories", tags=["advisories"])


class ZoneAdvice(BaseModel):
    """The advice for one zone touching the regency."""

    zone_id: str
    zone_name: Text
    level: Risk
    reason: Text
    category: WaveCategory | None = Field(description="BMKG wave category forecast, if any.")
    category_label: Text | None


class AdvisoryView(BaseModel):
    """Advice for one vessel class in every zone touching the regency; `level` is the worst."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "regency": "35.10",
                    "vessel": "fishing_boat",
                    "level": "danger",
                    "valid_from": "2026-03-01T00:00:00Z",
                    "valid_to": "2026-03-02T00:00:00Z",
                    "zones": [
                        {
                            "zone_id": "selat-bali",
                            "zone_name": {"id": "Selat Bali", "en": "Bali Strait"},
                            "level": "danger",
                            "reason": {
                                "id": "Berbahaya untuk perahu nelayan: gelombang di atas 1.25 m.",
                                "en": "Dangerous for a fishing boat: waves over 1.25 m.",
                            },
                            "category": "tinggi",
                            "category_label": {"id": "tinggi", "en": "rough"},
                        }
                    ],
                }
            ]
        }
    )

    regency: str
    vessel: VesselClass
    level: Risk
    valid_from: datetime
    valid_to: datetime
    zones: list[ZoneAdvice]


@router.get("", response_model=AdvisoryView, responses=problem_responses(422))
async def get_advisories(
    caller: Caller,
    advisor: Advisor,
    regency: Annotated[RegencyPrefix, Query(description="Regency code (prefix)")],
    vessel: Annotated[
        VesselClass, Query(description="Vessel class (`GET /v1/catalogue/vessel-classes`)")
    ] = VesselClass.FISHING_BOAT,
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
                level=result.level,
                reason=Text(id=result.reason.id, en=result.reason.en),
                category=category,
                category_label=None
                if category is None
                else Text(id=category.label_id, en=category.label_en),
            )
        )
    return AdvisoryView(
        regency=regency,
        vessel=vessel,
        level=worst_risk([a.level for a in advice]) if advice else Risk.CAUTION,
        valid_from=now,
        valid_to=now + ADVICE_HORIZON,
        zones=advice,
    )
