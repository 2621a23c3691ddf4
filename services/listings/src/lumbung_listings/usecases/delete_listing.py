"""Delete a listing: a tombstone for offline sync, `listing.deleted`, and its photo files gone.

Deleting again is not an error: a phone that lost the first answer retries. A trip at sea is
called off first (`POST /v1/listings/{id}/call-off`), which releases its buyers' reservations.
"""

from __future__ import annotations

from lumbung_shared.clock import utc_now
from lumbung_shared.identity import Identity

from lumbung_listings.domain.access import is_owner, stale_version
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.problems import ListingNotFoundError
from lumbung_listings.domain.trip import trip_at_sea_not_deleted
from lumbung_listings.messaging.events import listing_deleted
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.photos import PhotoStore


class DeleteListing:
    """Marks the seller's listing deleted, then deletes every file of its photos."""

    def __init__(self, listings: ListingRepository, photos: PhotoStore) -> None:
        self._listings = listings
        self._photos = photos

    async def __call__(self, listing_id: str, editor: Identity) -> None:
        doc = await self._listings.find(listing_id, include_deleted=True)
        if doc is None or not is_owner(editor, doc["seller_id"]):
            raise ListingNotFoundError
        if not doc.get("deleted") and doc["status"] == Status.PRE_LISTED.value:
            raise trip_at_sea_not_deleted()  # its buyers' reservations must be released first
        if not doc.get("deleted"):
            after = {**doc, "version": doc["version"] + 1, "updated_at": utc_now()}
            fields = {
                "deleted": True,
                "photos": [],
                "photo_count": 0,
                "version": after["version"],
                "updated_at": after["updated_at"],
            }
            saved = await self._listings.save(
                listing_id, doc["version"], fields, listing_deleted(after), include_deleted=True
            )
            if not saved:
                raise stale_version(None)
        await self._photos.delete_listing_photos(listing_id)
