"""Recent catch prices per species group, for the trip planner, kept from listing events.

This is the event-fed twin of the listings service's price board
(`lumbung_listings.usecases.show_price_board`): that board answers per commodity and unit from
the listings database, which this service may neither call nor read. Here the same listings
arrive as `listing.*` events (`messaging.listings`), are kept as one small document each
(`storage.catch_prices`), and are summed up per species group and per kg
(`domain.catch_prices`). Two differences, both on purpose: "recent" means updated within the
window (an event carries no creation time, and a seller who edits, restocks or resumes a
listing stands by its price again), where the board counts listings created within it; and
the figure widens from regency to province to country when too few listings stand locally.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Protocol

from lumbung_shared.clock import to_millis, utc_now
from lumbung_shared.fisheries import SpeciesGroup
from lumbung_shared.mongo import Document

from lumbung_weather_alerts.domain.catch_prices import (
    ListedCatch,
    PricedListing,
    PriceFigure,
    catch_price_entry,
    is_on_sale,
    widening_median,
)
from lumbung_weather_alerts.storage.catch_prices import CatchPriceRepository


class CatchPrices(Protocol):
    """What the trip planner asks for a ground's species group near its landing site."""

    async def median(self, group: SpeciesGroup, regency_code: str | None) -> PriceFigure | None:
        """The recent median price per kg, widened as far as needed; None if none is listed."""
        ...


class CatchPriceBoard:
    """`CatchPrices` over the read model, with each group's rows cached (a minute by default).

    A planner answer asks once per ground, mostly for the same two or three groups, and the
    read by group is a collection scan (see `storage.catch_prices`): the cache turns a page of
    grounds, and every planner answer within the cache time, into one scan per group; callers
    arriving while it runs wait for it rather than scanning too. Asking prices change a few
    times a day, so one a minute old is as good for planning a trip.
    """

    def __init__(
        self,
        repository: CatchPriceRepository,
        *,
        window: timedelta,
        minimum_listings: int,
        cache_seconds: float,
        now: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._repository = repository
        self._window = window
        self._minimum = minimum_listings
        self._cache_seconds = cache_seconds
        self._now = now
        self._monotonic = monotonic
        self._cached: dict[SpeciesGroup, tuple[float, list[PricedListing]]] = {}
        self._locks: dict[SpeciesGroup, asyncio.Lock] = {}

    async def median(self, group: SpeciesGroup, regency_code: str | None) -> PriceFigure | None:
        """The recent median price per kg, widened as far as needed; None if none is listed."""
        return widening_median(await self._priced(group), regency_code, self._minimum)

    async def _priced(self, group: SpeciesGroup) -> list[PricedListing]:
        """The group's rows, read at most once per cache time even by concurrent callers."""
        async with self._locks.setdefault(group, asyncio.Lock()):
            cached = self._cached.get(group)
            if cached is not None and self._monotonic() - cached[0] < self._cache_seconds:
                return cached[1]
            loaded_at = self._monotonic()
            rows = await self._repository.priced(group, self._now() - self._window)
            self._cached[group] = (loaded_at, rows)
            return rows


class KeepCatchPrices:
    """Applies one listing event to the read model; a late or repeated version changes nothing.

    Every listing change sends its whole snapshot (`listing.updated`) before any status change
    of the same version, so the snapshot decides and the status event is a guarded fallback.
    """

    def __init__(
        self,
        repository: CatchPriceRepository,
        *,
        window: timedelta,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._window = window
        self._now = now

    async def forget_stale(self) -> int:
        """Drop the listings no longer updated within the window: they can never count."""
        return await self._repository.forget_updated_before(self._now() - self._window)

    async def listed(
        self, listing_id: str, version: int, occurred_at: datetime, listed: ListedCatch
    ) -> bool:
        """A created or updated listing: kept if it is catch of a species group; a kept one
        edited into something else stays as an uncounted entry."""
        entry = catch_price_entry(listed)
        at = to_millis(occurred_at)
        if entry is None:
            fields: Document = {"group": None, "active": False, "updated_at": at}
            return await self._repository.apply(listing_id, version, fields, create=False)
        fields = {**asdict(entry), "group": entry.group.value, "deleted": False, "updated_at": at}
        return await self._repository.apply(listing_id, version, fields, create=True)

    async def status_changed(
        self, listing_id: str, version: int, occurred_at: datetime, status: str
    ) -> bool:
        """A kept listing paused, resumed, sold out or archived."""
        fields = {"active": is_on_sale(status), "updated_at": to_millis(occurred_at)}
        return await self._repository.apply(listing_id, version, fields, create=False)

    async def deleted(self, listing_id: str, version: int, occurred_at: datetime) -> bool:
        """A kept listing deleted: it stays as a tombstone at its version, never counted."""
        fields = {"active": False, "deleted": True, "updated_at": to_millis(occurred_at)}
        return await self._repository.apply(listing_id, version, fields, create=False)
