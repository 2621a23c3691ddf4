"""The ZPPI fishing-ground feed we poll: its JSON format.

Format (UTF-8 JSON, at most `MAX_FEED_FORECASTS` entries, at most `MAX_FEED_BYTES`):

    {
      "source": "BRIN/KKP ZPPI",
      "issued_at": "2026-03-01T00:00:00+07:00",
      "forecasts": [
        {"id": "zppi-20260301-wpp712-1", "issued_at": "...", "valid_from": "...",
         "valid_until": "...", "species_group": "pelagis_kecil", "confidence": "medium",
         "grounds": [{"kind": "point", "lat": -5.8, "lon": 106.5}], "supersedes": []}
      ]
    }

Each entry is a `ForecastBody` (`domain.fishing_grounds`); one without its own `source` takes
the feed's. `issued_at` moves whenever the producer publishes a new map; a feed whose
`issued_at` has not moved for longer than the stale limit is `stale` (`domain.feed.feed_status`:
ZPPI is issued daily, so a feed silent for a day and a half has stopped). A document that is
not this shape is refused as a whole; one entry that fails the forecast rules (a ground in no
zone, an ended window, an id re-used with other content) is skipped and the others are used.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

MAX_FEED_FORECASTS = 500
MAX_FEED_BYTES = 4 * 1024 * 1024
"""500 forecasts of some dozens of grounds each fit; a larger body is not our feed."""


class FishingGroundFeed(BaseModel):
    """A whole feed document; entries stay raw until each is checked as a `ForecastBody`."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    source: str = Field(min_length=1, max_length=200)
    issued_at: AwareDatetime
    forecasts: list[dict[str, Any]] = Field(max_length=MAX_FEED_FORECASTS)

    @field_validator("issued_at")
    @classmethod
    def _to_milliseconds(cls, value: datetime) -> datetime:
        """Stores keep milliseconds; comparing a re-read issue must not see a new one."""
        return value.replace(microsecond=value.microsecond // 1000 * 1000)

    def forecast_inputs(self) -> list[dict[str, Any]]:
        """Each entry as the fields of a `ForecastBody`, the feed's source where it has none."""
        return [{"source": self.source, **entry} for entry in self.forecasts]
