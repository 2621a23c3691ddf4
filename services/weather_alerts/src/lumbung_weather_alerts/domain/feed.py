"""The forecast feed we poll: its JSON format, and when a source counts as stale.

Format (UTF-8 JSON, at most `MAX_FORECASTS` entries):

    {
      "source": "BMKG maritim",
      "issued_at": "2026-11-23T00:00:00+00:00",
      "forecasts": [
        {"zone_id": "selat-bali", "valid_from": "...", "valid_to": "...",
         "significant_wave_m": 2.8, "max_wave_m": 3.5,
         "wind_speed_knots": 18, "wind_direction_deg": 135}
      ]
    }

`issued_at` changes whenever the producer publishes new forecasts; a feed whose `issued_at`
has not moved for longer than the stale limit is `stale` (BMKG issues maritime forecasts several
times a day, so a silent feed means its producer has stopped, not that the sea is calm).
A document that is not this shape is refused as a whole; a single entry that fails the
observation rules (unknown zone, absurd heights) is skipped and the others are used.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

MAX_FORECASTS = 1000
MAX_FEED_BYTES = 2 * 1024 * 1024


class ForecastFeed(BaseModel):
    """A whole feed document; entries stay raw until each is checked as an `Observation`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    source: str = Field(min_length=1, max_length=200)
    issued_at: AwareDatetime
    forecasts: list[dict[str, Any]] = Field(max_length=MAX_FORECASTS)

    @field_validator("issued_at")
    @classmethod
    def _to_milliseconds(cls, value: datetime) -> datetime:
        """Stores keep milliseconds; comparing a re-read issue must not see a new one."""
        return value.replace(microsecond=value.microsecond // 1000 * 1000)

    def observation_inputs(self) -> list[dict[str, Any]]:
        """Each entry as the fields of an `Observation`, with the feed's source."""
        return [{**entry, "source": self.source} for entry in self.forecasts]


class FeedStatus(StrEnum):
    """How much to trust the feed right now."""

    NEVER = "never"
    """Nothing usable received yet."""
    FRESH = "fresh"
    STALE = "stale"


def feed_status(
    last_new_issue_at: datetime | None, now: datetime, stale_after: timedelta
) -> FeedStatus:
    """`stale` once the feed has brought nothing new for longer than `stale_after`."""
    if last_new_issue_at is None:
        return FeedStatus.NEVER
    return FeedStatus.STALE if now - last_new_issue_at > stale_after else FeedStatus.FRESH
