"""Reading the ZPPI fishing-ground feed once: fetch, parse, publish new forecasts, record health.

Run on a schedule by `workers.fishing_grounds`, with the robustness of the sea-condition
poller (`usecases.read_forecast_feed`): each poll tries the feed a few times with a timeout and
growing pauses; a feed that cannot be read or parsed is logged and skipped (forecasts already
published stay in force) and the next poll comes as usual; one malformed or refused entry is
skipped and logged and the others are published. A feed whose `issued_at` has not moved for
longer than the stale limit is marked `stale` in its status document, with a warning. The URL
is fetched through the SSRF guard (`storage.feed_client`); a URL the guard refuses is not
retried within the poll: it is a configuration error, recorded as the feed's last error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import httpx
from lumbung_shared.clock import utc_now
from lumbung_shared.errors import DomainError
from pydantic import ValidationError

from lumbung_weather_alerts.domain.fishing_ground_feed import FishingGroundFeed
from lumbung_weather_alerts.domain.fishing_grounds import ForecastBody
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.domain.ssrf import UnsafeUrlError
from lumbung_weather_alerts.storage.feed_client import FeedFetchError
from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository
from lumbung_weather_alerts.usecases.feed_polling import FeedPoll, FeedUnavailableError
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast

log = logging.getLogger(__name__)

Fetch = Callable[[str], Awaitable[bytes]]
"""GET a URL's body (`storage.feed_client.fetch_guarded` with the service's guard and bounds)."""
Sleep = Callable[[float], Awaitable[None]]

POSTED_BY = "zppi-feed"
"""Who `posted_by` names for forecasts read from the feed."""
MAX_PAUSE_SECONDS = 10.0


class ReadFishingGroundFeed:
    """Reads one feed URL."""

    def __init__(
        self,
        url: str,
        fetch: Fetch,
        attempts: int,
        publish: PublishForecast,
        sources: FeedSourceRepository,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._url = url
        self._fetch = fetch
        self._attempts = attempts
        self._publish = publish
        self._sources = sources
        self._sleep = sleep

    async def poll_once(self) -> None:
        """Fetch, parse and apply the feed once; never raises for a bad feed."""
        poll = FeedPoll(
            "fishing-ground",
            self._url,
            self._sources,
            fetch=self._fetch_with_retries,
            parse=FishingGroundFeed.model_validate_json,
            apply=self._apply,
        )
        await poll.poll_once(utc_now())

    async def _apply(self, feed: FishingGroundFeed, now: datetime) -> tuple[int, int]:
        accepted = skipped = 0
        for index, entry in enumerate(feed.forecast_inputs()):
            try:
                body = ForecastBody.model_validate(entry)
                # Our own feed, not a caller: unrestricted by region.
                await self._publish.publish(
                    body, now, scope=RegionScope.everywhere(), posted_by=POSTED_BY
                )
                accepted += 1
            except (ValidationError, DomainError) as exc:
                skipped += 1
                log.warning(
                    "fishing-ground forecast skipped",
                    extra={"feed": self._url, "entry": index, "error": str(exc)[:200]},
                )
        return accepted, skipped

    async def _fetch_with_retries(self) -> bytes:
        for attempt in range(1, self._attempts + 1):
            try:
                return await self._fetch(self._url)
            except UnsafeUrlError as exc:
                raise FeedUnavailableError(f"refused by the SSRF guard: {exc}") from exc
            except (httpx.HTTPError, FeedFetchError) as exc:
                if attempt == self._attempts:
                    raise FeedUnavailableError(f"{type(exc).__name__}: {exc}") from exc
                await self._sleep(min(0.5 * 2 ** (attempt - 1), MAX_PAUSE_SECONDS))
        raise FeedUnavailableError("no attempt made")
