"""Reading fishing-ground forecasts: pages of those in force, one by id, changes for the stream,
and the sweep that deletes the expired ones.

Forecasts are public information (KKP publishes ZPPI maps openly), so reads are not scoped.
Expired forecasts are filtered out of every read even before the sweep has deleted them. The
page cursor is the last forecast's id (`lumbung_shared.cursors`); one not ours is a 422.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from lumbung_shared.cursors import InvalidCursorError, decode_cursor, encode_cursor
from lumbung_shared.errors import NotFoundError

from lumbung_weather_alerts.domain.forecast_record import Forecast, is_live
from lumbung_weather_alerts.storage.fishing_grounds import ForecastRepository

log = logging.getLogger(__name__)


class ForecastNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("Prakiraan daerah penangkapan ikan", "Fishing-ground forecast")


@dataclass(frozen=True)
class ForecastPage:
    """Forecasts in force by id, and the cursor of the next page (None at the end)."""

    items: list[Forecast]
    next_cursor: str | None


class ReadForecasts:
    """The read side of forecasts."""

    def __init__(self, forecasts: ForecastRepository) -> None:
        self._forecasts = forecasts

    async def page(self, now: datetime, cursor: str | None, limit: int) -> ForecastPage:
        """Active forecasts in force at `now`, after `cursor`."""
        after = None if cursor is None else _decode(cursor)
        items = await self._forecasts.live(now, after, limit)
        more = len(items) == limit
        return ForecastPage(items, encode_cursor({"i": items[-1]["_id"]}) if more else None)

    async def one(self, forecast_id: str, now: datetime) -> Forecast:
        """A forecast by id, superseded ones included (they say by what); 404 once expired."""
        forecast = await self._forecasts.get(forecast_id)
        if forecast is None or forecast["valid_until"] <= now:
            raise ForecastNotFoundError
        return forecast

    async def live(self, now: datetime) -> list[Forecast]:
        """Every forecast in force at `now` (bounded): what the planner ranks."""
        return await self._forecasts.live(now)

    async def live_in_zone(self, zone_id: str, now: datetime) -> list[Forecast]:
        """Forecasts in force with a ground in the zone (the stream's do-not-sail frames)."""
        return [f for f in await self._forecasts.live_in_zone(zone_id, now) if is_live(f, now)]

    async def received_since(self, since: datetime, regency_prefix: str | None) -> list[Forecast]:
        """Forecasts received at or after `since`, oldest first (the stream's forecast frames)."""
        return await self._forecasts.received_since(since, regency_prefix)

    async def sweep(self, now: datetime) -> int:
        """Delete the forecasts whose window has passed; how many left."""
        deleted = await self._forecasts.delete_expired(now)
        if deleted:
            log.info("expired fishing-ground forecasts deleted", extra={"count": deleted})
        return deleted


def _decode(cursor: str) -> str:
    try:
        forecast_id = decode_cursor(cursor)["i"]
    except (InvalidCursorError, KeyError) as exc:
        raise InvalidCursorError from exc
    if not isinstance(forecast_id, str):
        raise InvalidCursorError
    return forecast_id
