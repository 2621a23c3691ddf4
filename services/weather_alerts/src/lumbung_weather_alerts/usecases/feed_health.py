"""How the polled forecast feeds are doing (fresh, stale or never read), for operators and
agencies: the state the poller records (`storage.feed_sources`), judged as of now."""

from __future__ import annotations

from datetime import datetime

from lumbung_shared.mongo import Document

from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository


class FeedHealth:
    """Reads every feed's recorded state."""

    def __init__(self, sources: FeedSourceRepository) -> None:
        self._sources = sources

    async def all(self, now: datetime) -> list[Document]:
        """Every polled feed with its status as of `now`."""
        return await self._sources.all(now)
