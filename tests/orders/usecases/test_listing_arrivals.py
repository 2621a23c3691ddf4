"""Checkout's wait for a listing the copy does not have yet ends when the copy arrives."""

from __future__ import annotations

import asyncio

from lumbung_orders.usecases.listing_snapshots import CopyListing, ListingArrivals


class Snapshots:
    """Stands in for the snapshot repository: every version is new."""

    async def apply(self, listing_id: str, version: int, fields: dict[str, object]) -> bool:
        return version > 0


class TestListingArrivals:
    async def test_a_waiter_wakes_when_its_listing_is_copied(self) -> None:
        arrivals = ListingArrivals()
        copy = CopyListing(Snapshots(), arrivals)  # type: ignore[arg-type]  # duck-typed fake
        waiting = asyncio.create_task(arrivals.wait({"l-1"}))
        await asyncio.sleep(0)
        await copy("l-1", 1, {})
        await asyncio.wait_for(waiting, timeout=5)

    async def test_another_listing_or_an_unchanged_copy_does_not_wake_it(self) -> None:
        arrivals = ListingArrivals()
        copy = CopyListing(Snapshots(), arrivals)  # type: ignore[arg-type]  # duck-typed fake
        waiting = asyncio.create_task(arrivals.wait({"l-1"}))
        await asyncio.sleep(0)
        await copy("l-2", 1, {})
        await copy("l-1", 0, {})  # an old version: the copy did not change
        await asyncio.sleep(0.05)
        assert not waiting.done()
        waiting.cancel()
