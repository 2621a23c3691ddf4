"""Forget deleted listings once no accepted sync cursor can still need their tombstones."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from lumbung_shared.clock import utc_now

from lumbung_listings.domain.sync import purge_before
from lumbung_listings.storage.listings import ListingRepository

log = logging.getLogger(__name__)


class PurgeTombstones:
    """Removes deleted listings older than the tombstone retention (plus its margin)."""

    def __init__(
        self,
        listings: ListingRepository,
        retention: timedelta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._listings = listings
        self._retention = retention
        self._clock = clock

    async def __call__(self) -> int:
        purged = await self._listings.purge_deleted(purge_before(self._clock(), self._retention))
        if purged:
            log.info("sync tombstones purged", extra={"count": purged})
        return purged
