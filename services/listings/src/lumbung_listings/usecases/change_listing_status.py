"""Publish, pause, resume or archive a listing, as the lifecycle allows the caller."""

from __future__ import annotations

from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.access import actor_of, stale_version
from lumbung_listings.domain.lifecycle import Status, transition
from lumbung_listings.domain.stock import status_for_stock
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.usecases.listing_access import load_own, save_change


class ChangeListingStatus:
    """Moves a listing through its lifecycle; a resumed listing without stock is sold out."""

    def __init__(self, listings: ListingRepository) -> None:
        self._listings = listings

    async def __call__(
        self, listing_id: str, editor: Identity, target: Status, version: int | None
    ) -> Document:
        doc = await load_own(self._listings, listing_id, editor)
        if version is not None and doc["version"] != version:
            raise stale_version(doc["version"])
        current = Status(doc["status"])
        status = transition(current, target, actor_of(editor))
        if status is current:
            return doc
        if status is Status.ACTIVE:
            status = status_for_stock(Status.ACTIVE, doc["quantity_available"])
        return await save_change(self._listings, doc, {"status": status.value})
