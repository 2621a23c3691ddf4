"""Add a photo to a listing: the domain's clean re-encode is stored, never the uploaded bytes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.photos import ensure_room_for_photo
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.photos import PhotoStore
from lumbung_listings.usecases.listing_access import load_own, save_change
from lumbung_listings.usecases.photo_reencoding import PhotoReencoder


class AddPhoto:
    """Checks ownership before reading the upload, then stores files and attaches them.

    The re-encode runs off the event loop (`PhotoReencoder`), so other requests keep flowing.
    """

    def __init__(
        self,
        listings: ListingRepository,
        photos: PhotoStore,
        reencoder: PhotoReencoder | None = None,
    ) -> None:
        self._listings = listings
        self._photos = photos
        self._reencode = reencoder or PhotoReencoder()

    async def __call__(
        self, listing_id: str, seller: Identity, upload: Callable[[], Awaitable[bytes]]
    ) -> Document:
        await load_own(self._listings, listing_id, seller)  # 404 before reading the upload
        stored = await self._photos.save(listing_id, await self._reencode(await upload()))
        try:
            doc = await load_own(self._listings, listing_id, seller)
            ensure_room_for_photo(len(doc.get("photos", [])))  # a ninth photo is refused (422)
            photos = [*doc.get("photos", []), stored]
            return await save_change(
                self._listings, doc, {"photos": photos, "photo_count": len(photos)}
            )
        except Exception:
            await self._photos.delete_photo(stored)  # refused or raced: no orphaned files
            raise
