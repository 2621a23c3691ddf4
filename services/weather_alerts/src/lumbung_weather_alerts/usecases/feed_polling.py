"""One poll of a JSON feed the service reads: fetch, parse, apply if new, record its health.

The sea-condition forecast feed (`read_forecast_feed`) and the ZPPI fishing-ground feed
(`read_fishing_ground_feed`) differ only in how they fetch, what they parse and how they apply
an entry; the rest is one rule, kept here: a feed that cannot be read or parsed is logged and
skipped (what it said before stays in force) and recorded as the feed's last error; a feed
whose `issued_at` has not moved is not applied again and, after the configured time, is marked
`stale` with a warning, because silence from a forecaster is itself news.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from pydantic import ValidationError

from lumbung_weather_alerts.domain.feed import FeedStatus
from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository

log = logging.getLogger(__name__)


class FeedUnavailableError(Exception):
    """The feed could not be fetched in this poll."""


class IssuedFeed(Protocol):
    @property
    def issued_at(self) -> datetime: ...


FeedT = TypeVar("FeedT", bound=IssuedFeed)


class FeedPoll(Generic[FeedT]):
    """Polls one feed URL; `name` ("forecast", "fishing-ground") opens each log message."""

    def __init__(
        self,
        name: str,
        url: str,
        sources: FeedSourceRepository,
        *,
        fetch: Callable[[], Awaitable[bytes]],
        parse: Callable[[bytes], FeedT],
        apply: Callable[[FeedT, datetime], Awaitable[tuple[int, int]]],
    ) -> None:
        self._name = name
        self._url = url
        self._sources = sources
        self._fetch = fetch
        self._parse = parse
        self._apply = apply

    async def poll_once(self, now: datetime) -> None:
        """Fetch, parse and apply the feed once; never raises for a bad feed."""
        try:
            feed = self._parse(await self._fetch())
        except (FeedUnavailableError, ValidationError) as exc:
            log.warning(
                f"{self._name} feed skipped", extra={"feed": self._url, "error": str(exc)[:300]}
            )
            status = await self._sources.record_failure(self._url, _describe(exc), now)
            self._warn_if_stale(status)
            return
        if feed.issued_at == await self._sources.last_issued_at(self._url):
            status = await self._sources.record_success(self._url, feed.issued_at, now, 0, 0)
            self._warn_if_stale(status)
            return
        accepted, skipped = await self._apply(feed, now)
        await self._sources.record_success(self._url, feed.issued_at, now, accepted, skipped)
        log.info(
            f"{self._name} feed applied",
            extra={"feed": self._url, "accepted": accepted, "skipped": skipped},
        )

    def _warn_if_stale(self, status: FeedStatus) -> None:
        if status is FeedStatus.STALE:
            log.warning(f"{self._name} feed is stale", extra={"feed": self._url})


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return f"malformed feed: {exc.error_count()} error(s)"
    return str(exc)
