"""Reading the forecast feed once: fetch, parse, apply new forecasts, record the feed's health.

Run on a schedule by `workers.poller`. Each poll tries the feed a few times with a timeout and
growing pauses; a feed that cannot be read or parsed is logged and skipped (its last good
forecasts stay in force) and the next poll comes as usual. A feed that keeps answering with the
same issue is marked `stale` after the configured time, with a warning, because silence from a
forecaster is itself news.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import httpx
from lumbung_shared.errors import DomainError
from pydantic import ValidationError

from lumbung_weather_alerts.domain.feed import MAX_FEED_BYTES, ForecastFeed
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository
from lumbung_weather_alerts.usecases.feed_polling import FeedPoll, FeedUnavailableError
from lumbung_weather_alerts.usecases.report_observation import ReportObservation

log = logging.getLogger(__name__)


class ReadForecastFeed:
    """Reads one feed URL."""

    def __init__(
        self,
        url: str,
        settings: WeatherAlertsSettings,
        ingest: ReportObservation,
        sources: FeedSourceRepository,
    ) -> None:
        self._url = url
        self._settings = settings
        self._ingest = ingest
        self._sources = sources

    async def poll_once(self) -> None:
        """Fetch, parse and apply the feed once."""
        poll = FeedPoll(
            "forecast",
            self._url,
            self._sources,
            fetch=self._fetch,
            parse=ForecastFeed.model_validate_json,
            apply=self._apply,
        )
        await poll.poll_once(datetime.now(UTC))

    async def _apply(self, feed: ForecastFeed, now: datetime) -> tuple[int, int]:
        accepted = skipped = 0
        for index, entry in enumerate(feed.observation_inputs()):
            try:
                # Our own BMKG feed, not a caller: unrestricted by region.
                observation = Observation.model_validate(entry)
                await self._ingest.apply(observation, now, scope=RegionScope.everywhere())
                accepted += 1
            except (ValidationError, DomainError) as exc:
                skipped += 1
                log.warning(
                    "forecast entry skipped",
                    extra={"feed": self._url, "entry": index, "error": str(exc)[:200]},
                )
        return accepted, skipped

    async def _fetch(self) -> bytes:
        attempts = self._settings.forecast_attempts
        timeout = httpx.Timeout(self._settings.forecast_timeout_seconds)
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            for attempt in range(1, attempts + 1):
                try:
                    return await _get_bounded(client, self._url)
                except (httpx.HTTPError, FeedUnavailableError) as exc:
                    if attempt == attempts:
                        raise FeedUnavailableError(f"{type(exc).__name__}: {exc}") from exc
                    await asyncio.sleep(min(0.5 * 2 ** (attempt - 1), 10.0))
        raise AssertionError("unreachable")


async def _get_bounded(client: httpx.AsyncClient, url: str) -> bytes:
    """GET the feed, refusing non-200 answers and bodies over `MAX_FEED_BYTES`."""
    async with client.stream("GET", url, headers={"Accept": "application/json"}) as response:
        if response.status_code != 200:
            raise FeedUnavailableError(f"HTTP {response.status_code}")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > MAX_FEED_BYTES:
                raise FeedUnavailableError("feed too large")
        return bytes(body)
