"""Turn a stored fishing-ground forecast into its `fishing_ground.forecast_published` event.

Keyed by forecast id: a forecast is published once, so there is no order between the events
of one forecast to keep; the id spreads forecasts over the partitions.
"""

from __future__ import annotations

from typing import Any

from lumbung_shared.events import Envelope, new_event
from lumbung_shared.events.fishing_grounds import FishingGroundForecastPublished
from lumbung_shared.observability import correlation_id

from lumbung_weather_alerts.domain.forecast_record import Forecast
from lumbung_weather_alerts.messaging.events import PRODUCER


def forecast_published(forecast: Forecast) -> Envelope[Any]:
    """The event announcing a forecast just accepted."""
    payload = FishingGroundForecastPublished(
        forecast_id=forecast["_id"],
        source=forecast["source"],
        issued_at=forecast["issued_at"],
        valid_from=forecast["valid_from"],
        valid_until=forecast["valid_until"],
        species_group=forecast["species_group"],
        confidence=forecast["confidence"],
        zone_ids=list(forecast["zone_ids"]),
        regency_codes=list(forecast["regency_codes"]),
        ground_count=len(forecast["grounds"]),
        supersedes=list(forecast["supersedes"]),
    )
    return new_event(
        payload, producer=PRODUCER, correlation_id=correlation_id(), key=forecast["_id"]
    )
