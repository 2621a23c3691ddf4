"""The orders service's own copy of listings, built from listing events.

Orders price lines from this copy, never from the client and never by reading the listings
database. Every write is guarded by the listing's version, so a redelivered or late event
(an older version) changes nothing: applying events is idempotent and order-insensitive.
"""

from __future__ import annotations

from lumbung_shared.errors import NotFoundError
from lumbung_shared.mongo import Document
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError


class ListingSnapshotRepository:
    """Latest known state of each listing, by listing id."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def apply(self, listing_id: str, version: int, fields: Document) -> bool:
        """Store `fields` as of `version` unless a newer or equal version is stored already.

        Returns True when the copy changed. An upsert whose guard fails on an existing document
        collides on `_id`; that collision means "already newer" and is not an error.
        """
        try:
            result = await self._collection.update_one(
                {"_id": listing_id, "version": {"$lt": version}},
                {"$set": {**fields, "version": version}},
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return result.modified_count > 0 or result.upserted_id is not None

    async def get(self, listing_id: str) -> Document:
        doc = await self._find(listing_id)
        if doc is None:
            raise NotFoundError("Listing", "Listing")
        return doc

    async def many(self, listing_ids: list[str]) -> dict[str, Document]:
        """The current snapshots of the given listings (deleted ones left out), by listing id.

        One exact lookup per listing, not `{_id: {$in: ...}}`: FerretDB reads the whole
        collection for any filter but an exact `_id`, and a cart names only a few listings.
        """
        found = {}
        for listing_id in dict.fromkeys(listing_ids):
            doc = await self._find(listing_id)
            if doc is not None:
                found[listing_id] = doc
        return found

    async def _find(self, listing_id: str) -> Document | None:
        """The snapshot unless deleted; `deleted` is checked here, so the filter stays `{_id}`."""
        doc = await self._collection.find_one({"_id": listing_id})
        return None if doc is None or doc.get("deleted") is True else doc
