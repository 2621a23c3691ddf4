"""Housekeeping: old sync tombstones and inbox ids are purged on a supervised loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.usecases.purge_tombstones import PurgeTombstones
from lumbung_listings.workers.housekeeping import housekeeping
from lumbung_shared.inbox import ProcessedEvents

from tests.support.polling import eventually

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
RETENTION = timedelta(days=30)


class _Listings:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.purged_before: list[datetime] = []

    async def purge_deleted(self, before: datetime) -> int:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("store down")
        self.purged_before.append(before)
        return 3


class _Inbox:
    def __init__(self) -> None:
        self.forgotten: list[timedelta] = []

    async def forget_older_than(self, age: timedelta) -> int:
        self.forgotten.append(age)
        return 0


def purge(listings: _Listings) -> PurgeTombstones:
    repository = cast(ListingRepository, cast(Any, listings))
    return PurgeTombstones(repository, RETENTION, lambda: NOW)


class TestPurgeTombstones:
    async def test_purges_what_is_older_than_the_retention_and_its_margin(self) -> None:
        listings = _Listings()
        assert await purge(listings)() == 3
        assert listings.purged_before == [NOW - RETENTION - timedelta(hours=1)]


class TestHousekeeping:
    async def test_purges_tombstones_and_inbox_ids_after_a_failed_pass(self) -> None:
        listings, inbox = _Listings(failures=1), _Inbox()
        loop = housekeeping(
            purge(listings), cast(ProcessedEvents, cast(Any, inbox)), timedelta(days=7), 0.01
        )
        task = asyncio.create_task(loop())
        try:
            await eventually(lambda: _done(inbox), within=5.0, interval=0.01)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        assert listings.failures == 0
        assert listings.purged_before[0] == NOW - RETENTION - timedelta(hours=1)
        assert inbox.forgotten[0] == timedelta(days=7)


async def _done(inbox: _Inbox) -> bool | None:
    return True if inbox.forgotten else None
