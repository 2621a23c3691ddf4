"""Show one photo (or a thumbnail) of a listing the caller may see."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from lumbung_shared.identity import Identity

from lumbung_listings.domain.access import PUBLIC_BY_ID
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.problems import PhotoNotFoundError
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.photos import PhotoStore
from lumbung_listings.usecases.listing_access import load_visible


@dataclass(frozen=True)
class PhotoFile:
    """A stored photo variant: its strong tag, who may cache it, and its bytes as a stream."""

    etag: str
    public: bool
    content_type: str | None
    length: int
    chunks: AsyncIterator[bytes]


class ShowPhoto:
    """Finds the variant on a visible listing; 404 for a photo the listing does not have."""

    def __init__(self, listings: ListingRepository, photos: PhotoStore) -> None:
        self._listings = listings
        self._photos = photos

    async def __call__(
        self, listing_id: str, photo_id: str, size: str, caller: Identity
    ) -> PhotoFile:
        doc = await load_visible(self._listings, listing_id, caller)
        meta = next((p for p in doc.get("photos", []) if p["id"] == photo_id), None)
        grid_out = await self._photos.open(meta["files"][size]) if meta else None
        if grid_out is None:
            raise PhotoNotFoundError
        metadata = grid_out.metadata or {}

        async def chunks() -> AsyncIterator[bytes]:
            while chunk := await grid_out.readchunk():
                yield chunk

        return PhotoFile(
            etag=f'"{metadata.get("sha256", grid_out._id)}"',
            public=Status(doc["status"]) in PUBLIC_BY_ID,
            content_type=metadata.get("content_type"),
            length=grid_out.length,
            chunks=chunks(),
        )
