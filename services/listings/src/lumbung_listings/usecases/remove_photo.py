"""Remove one photo from a listing and delete its files."""

from __future__ import annotations

from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.problems import PhotoNotFoundError
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.photos import PhotoStore
from lumbung_listings.usecases.listing_access import load, load_own, save_change


class RemovePhoto:
    """Detaches the photo first (a versioned edit), then deletes the files nobody points to."""

    def __init__(self, listings: ListingRepository, photos: PhotoStore) -> None:
        self._listings = listings
        self._photos = photos

    async def __call__(self, listing_id: str, seller: Identity, photo_id: str) -> Document:
        doc = await load_own(self._listings, listing_id, seller)
        found: list[Document] = [p for p in doc.get("photos", []) if p["id"] == photo_id]
        if not found:
            raise PhotoNotFoundError
        photos = [p for p in doc["photos"] if p["id"] != photo_id]
        await save_change(self._listings, doc, {"photos": photos, "photo_count": len(photos)})
        await self._photos.delete_photo(found[0])
        return await load(self._listings, listing_id)
