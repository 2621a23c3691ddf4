"""The listings collection: each listing and the events its changes owe, in one document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from lumbung_shared.errors import NotFoundError
from lumbung_shared.mongo import ensure_indexes
from lumbung_shared.outbox import outbox_fields
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_listings.domain.listing import ListingDraft, Status
from lumbung_listings.domain.regions import ancestors
from lumbung_listings.messaging.events import listing_created

Document = dict[str, Any]

INDEXES = [
    IndexModel([("seller_id", ASCENDING), ("updated_at", DESCENDING)]),
    IndexModel([("status", ASCENDING), ("commodity", ASCENDING), ("created_at", DESCENDING)]),
    IndexModel([("region_path", ASCENDING), ("status", ASCENDING)]),
    IndexModel([("outbox_pending", ASCENDING)]),
]

HIDDEN_FIELDS = {"outbox": 0, "outbox_pending": 0, "outbox_lease_until": 0}


class ListingNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("Listing", "Listing")


class ListingRepository:
    """Stores listings; every write carries its events in the same document (outbox)."""

    def __init__(self, collection: AsyncCollection[Document], on_event: Callable[[], None]) -> None:
        self._collection = collection
        self._on_event = on_event

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def create(self, seller_id: str, draft: ListingDraft) -> Document:
        """Store a new active listing and its `listing.created` event in one insert."""
        now = datetime.now(UTC)
        doc: Document = {
            "_id": uuid4().hex,
            "seller_id": seller_id,
            **draft.model_dump(mode="json"),
            "status": Status.ACTIVE.value,
            "region_path": ancestors(draft.origin_region),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        doc.update(outbox_fields(listing_created(doc)))
        await self._collection.insert_one(doc)
        self._on_event()
        return _public(doc)

    async def get(self, listing_id: str) -> Document:
        doc = await self._collection.find_one({"_id": listing_id}, HIDDEN_FIELDS)
        if doc is None:
            raise ListingNotFoundError
        return doc


def _public(doc: Document) -> Document:
    return {key: value for key, value in doc.items() if key not in HIDDEN_FIELDS}
