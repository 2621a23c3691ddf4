"""Fishing-ground forecasts (titik ikan / ZPPI), on `lumbung.fishing_ground.events`, keyed by
forecast id.

weather_alerts sends one when it accepts a forecast (posted by an agency or admin, or read
from the ZPPI feed). The fields are what a consumer needs to decide whether the forecast
concerns it (where, when, which fish) without the geometry: the grounds themselves are at
`GET /v1/fishing-grounds/forecasts/{forecast_id}`.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class FishingGroundForecastPublished(EventPayload):
    """Sent when a fishing-ground forecast is accepted (a repeat of the same one is not sent)."""

    event_type: ClassVar[str] = "fishing_ground.forecast_published"
    topic: ClassVar[Topic] = Topic.FISHING_GROUND_EVENTS

    forecast_id: str
    source: str = Field(description="Who forecast it, e.g. 'BRIN/KKP ZPPI'.")
    issued_at: AwareDatetime
    valid_from: AwareDatetime
    valid_until: AwareDatetime
    species_group: str | None = Field(
        default=None, description="pelagis_besar, pelagis_kecil or demersal; null for any fish."
    )
    confidence: str = Field(description="low, medium or high")
    zone_ids: list[str] = Field(description="Maritime zones the grounds lie in.")
    regency_codes: list[str] = Field(description="Kemendagri regency codes those zones touch.")
    ground_count: int = Field(ge=1)
    supersedes: list[str] = Field(
        default_factory=list, description="Ids of the earlier forecasts this one replaces."
    )
