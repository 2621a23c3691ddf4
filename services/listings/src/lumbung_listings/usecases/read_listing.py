"""Read one listing, as far as the caller may know of it."""

from __future__ import annotations

from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.usecases.listing_access import load_visible


class ReadListing:
    """One listing by id; drafts and archived listings only for their seller (else 404)."""

    def __init__(self, listings: ListingRepository) -> None:
        self._listings = listings

    async def __call__(self, listing_id: str, caller: Identity) -> Document:
        return await load_visible(self._listings, listing_id, caller)
