"""Keeping and showing the orders service's copy of listings (from listing events).

The copy answers only what the listings service itself would show the caller
(`domain.visibility`): public statuses to anyone, drafts and archived listings to their seller
and admins, the same 404 as for an unknown id to everyone else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from lumbung_shared.errors import NotFoundError
from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_orders.domain.visibility import may_see_listing
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository


class ListingArrivals:
    """Wakes the checkouts waiting for a listing the moment this process copies it.

    Only a wake-up, never the answer: with several replicas another one may have consumed the
    listing's event, so a waiter reads the store again when its wait runs out anyway.
    """

    def __init__(self) -> None:
        self._waiting: dict[asyncio.Event, frozenset[str]] = {}

    def arrived(self, listing_id: str) -> None:
        for waiter, listing_ids in self._waiting.items():
            if listing_id in listing_ids:
                waiter.set()

    async def wait(self, listing_ids: Iterable[str]) -> None:
        """Until one of `listing_ids` is copied here (the caller bounds the wait)."""
        waiter = asyncio.Event()
        self._waiting[waiter] = frozenset(listing_ids)
        try:
            await waiter.wait()
        finally:
            del self._waiting[waiter]


class CopyListing:
    """Applies one listing event to the copy; a late or repeated version changes nothing."""

    def __init__(
        self, snapshots: ListingSnapshotRepository, arrivals: ListingArrivals | None = None
    ) -> None:
        self._snapshots = snapshots
        self._arrivals = arrivals

    async def __call__(self, listing_id: str, version: int, fields: Document) -> bool:
        changed = await self._snapshots.apply(listing_id, version, fields)
        if changed and self._arrivals is not None:
            self._arrivals.arrived(listing_id)
        return changed


class ShowListingSnapshot:
    """The copy of one listing, if the caller may see it; 404 otherwise."""

    def __init__(self, snapshots: ListingSnapshotRepository) -> None:
        self._snapshots = snapshots

    async def __call__(self, listing_id: str, caller: Identity) -> Document:
        doc = await self._snapshots.get(listing_id)
        seller_id, status = doc.get("seller_id"), doc.get("status")
        if not isinstance(seller_id, str) or not isinstance(status, str):
            raise NotFoundError("Listing", "Listing")  # only a status change arrived so far
        if not may_see_listing(caller, seller_id, status):
            raise NotFoundError("Listing", "Listing")
        return doc
