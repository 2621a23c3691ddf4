"""Keeping and showing the orders service's copy of listings (from listing events).

The copy answers only what the listings service itself would show the caller
(`domain.visibility`): public statuses to anyone, drafts and archived listings to their seller
and admins, the same 404 as for an unknown id to everyone else.
"""

from __future__ import annotations

from lumbung_shared.errors import NotFoundError
from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_orders.domain.visibility import may_see_listing
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository


class CopyListing:
    """Applies one listing event to the copy; a late or repeated version changes nothing."""

    def __init__(self, snapshots: ListingSnapshotRepository) -> None:
        self._snapshots = snapshots

    async def __call__(self, listing_id: str, version: int, fields: Document) -> bool:
        return await self._snapshots.apply(listing_id, version, fields)


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
