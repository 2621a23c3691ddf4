"""Accept one fishing-ground forecast: the path both the API and the ZPPI feed poller take.

The grounds are placed in the live zones (`domain.fishing_grounds.locate_grounds`), the
caller's scope is checked against those zones and against the forecasts it supersedes
(`domain.forecast_record`), and the forecast is inserted with its event in one write. Then the
forecasts it supersedes are marked, one `{_id}` update each.

Idempotent by forecast id: the same id with the same content answers the stored forecast
again (and finishes marking what it supersedes, in case a crash came between the two writes);
the same id with other content is 409. A forecast whose window has already ended is refused:
the sweep would delete it at once, and a feed still listing yesterday's maps must not announce
them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lumbung_shared.clock import to_millis

from lumbung_weather_alerts.domain.fishing_grounds import ForecastBody
from lumbung_weather_alerts.domain.forecast_record import (
    Forecast,
    ForecastExpiredError,
    ForecastIdConflictError,
    ForecastStatus,
    check_may_publish,
    forecast_record,
    zone_regencies_of,
)
from lumbung_weather_alerts.domain.ground_zones import locate_grounds
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.messaging.fishing_ground_events import forecast_published
from lumbung_weather_alerts.storage.fishing_grounds import ForecastRepository
from lumbung_weather_alerts.storage.zones import ZoneRepository


@dataclass(frozen=True)
class Published:
    """The stored forecast, and whether this call stored it (False: a repeat)."""

    forecast: Forecast
    created: bool


class PublishForecast:
    """Stores forecasts with their events."""

    def __init__(self, zones: ZoneRepository, forecasts: ForecastRepository) -> None:
        self._zones = zones
        self._forecasts = forecasts

    async def publish(
        self, body: ForecastBody, now: datetime, *, scope: RegionScope, posted_by: str
    ) -> Published:
        """Store `body` (or answer the stored copy of the same forecast).

        422 `ground-outside-zones` / `forecast-expired`, 403 `region-out-of-scope`, 409
        `forecast-id-conflict`; nothing is stored when any of them is answered.
        """
        now = to_millis(now)  # as the store keeps it: the first answer equals every repeat
        existing = await self._forecasts.get(body.id)
        if existing is not None:
            return await self._replay(existing, body, now, scope)
        if body.valid_until <= now:
            raise ForecastExpiredError
        zones = locate_grounds(body, await self._zones.list())
        record = forecast_record(body, zones, now, posted_by)
        check_may_publish(scope, zone_regencies_of(record))
        superseded = await self._supersedable(body, scope)
        if not await self._forecasts.insert(record, forecast_published(record)):
            raced = await self._forecasts.get(body.id)  # a concurrent post of the same id
            if raced is None:  # swept in between: only an already-ended window gets here
                raise ForecastExpiredError
            return await self._replay(raced, body, now, scope)
        await self._forecasts.mark_superseded(superseded, body.id, now)
        return Published(record, created=True)

    async def _replay(
        self, existing: Forecast, body: ForecastBody, now: datetime, scope: RegionScope
    ) -> Published:
        check_may_publish(scope, zone_regencies_of(existing))
        if existing["content_hash"] != body.content_hash():
            raise ForecastIdConflictError(body.id)
        if existing["status"] == ForecastStatus.ACTIVE.value:
            superseded = await self._supersedable(body, scope)
            await self._forecasts.mark_superseded(superseded, body.id, now)
        return Published(existing, created=False)

    async def _supersedable(self, body: ForecastBody, scope: RegionScope) -> list[str]:
        """The ids in `supersedes` that are stored and active; 403 if any is out of scope.

        Unknown ids are passed over: a forecast may name one that was never sent to us or has
        already been swept."""
        ids = []
        for forecast_id in body.supersedes:
            older = await self._forecasts.get(forecast_id)
            if older is None or older["status"] != ForecastStatus.ACTIVE.value:
                continue
            check_may_publish(scope, zone_regencies_of(older))
            ids.append(forecast_id)
        return ids
