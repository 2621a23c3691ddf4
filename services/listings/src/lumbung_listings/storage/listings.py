"""The listings collection: each listing and the events its changes owe, in one document.

Every write is one conditional update guarded by the version the caller saw (optimistic
concurrency) and carries the events the use case built into the listing's outbox; who may
write, and what the change is, are decided before anything reaches this module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from lumbung_shared.clock import utc_now
from lumbung_shared.events import Envelope
from lumbung_shared.mongo import Document, ensure_indexes
from lumbung_shared.outbox import PENDING, Notify, outbox_fields, with_events
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_listings.storage.documents import HIDDEN_FIELDS

log = logging.getLogger(__name__)

MAX_RESTAMPS = 3

INDEXES = [
    IndexModel([("status", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)]),
    IndexModel([("status", ASCENDING), ("commodity", ASCENDING), ("created_at", DESCENDING)]),
    IndexModel([("status", ASCENDING), ("price_per_unit", ASCENDING), ("_id", ASCENDING)]),
    IndexModel([("region_path", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)]),
    IndexModel([("keywords", ASCENDING), ("status", ASCENDING)]),
    IndexModel([("seller_id", ASCENDING), ("updated_at", DESCENDING)]),
    IndexModel([("updated_at", ASCENDING), ("_id", ASCENDING)]),
    IndexModel([("risk_alert_ids", ASCENDING)]),
    IndexModel([("outbox_pending", ASCENDING)]),
]


class ListingRepository:
    """Stores listings; every write carries its events in the same document (outbox)."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        on_event: Notify,
        sync_settle: timedelta | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._collection = collection
        self._on_event = on_event
        self._sync_settle = sync_settle
        self._clock = clock

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def insert(self, doc: Document, *events: Envelope[Any]) -> None:
        """Store a new listing together with its first events."""
        await self._collection.insert_one({**doc, **outbox_fields(*events)})
        self._on_event(doc["_id"])
        await self._keep_in_sync(doc["_id"], doc["version"], doc.get("updated_at"))

    async def insert_once(self, doc: Document, *events: Envelope[Any]) -> Document | None:
        """Store a new listing whose `_id` a retry derives again; None when stored now, else
        the listing already stored under that id (deleted or not, bookkeeping included)."""
        try:
            await self._collection.insert_one({**doc, **outbox_fields(*events)})
        except DuplicateKeyError:
            return await self._collection.find_one({"_id": doc["_id"]}, {"outbox": 0})
        self._on_event(doc["_id"])
        await self._keep_in_sync(doc["_id"], doc["version"], doc.get("updated_at"))
        return None

    async def find(self, listing_id: str, *, include_deleted: bool = False) -> Document | None:
        """A stored listing by id without its bookkeeping; deleted ones only when asked.

        The filter is the bare `{_id}` and `deleted` is checked here: a read needs no guard,
        and FerretDB answers only an exact `{_id}` filter from its index (any other key makes
        it read the whole collection), so every listing read stays one indexed lookup.
        """
        doc = await self._collection.find_one({"_id": listing_id}, HIDDEN_FIELDS)
        if doc is None or (doc.get("deleted") is True and not include_deleted):
            return None
        return doc

    async def version_of(self, listing_id: str) -> int | None:
        """The listing's current version, None when it does not exist."""
        doc = await self._collection.find_one({"_id": listing_id}, {"version": 1})
        return int(doc["version"]) if doc else None

    async def save(
        self,
        listing_id: str,
        version: int,
        fields: Document,
        *events: Envelope[Any],
        include_deleted: bool = False,
    ) -> bool:
        """Set `fields` if the listing is still at `version`; False when it moved on."""
        query: Document = {"_id": listing_id, "version": version}
        if not include_deleted:
            query["deleted"] = {"$ne": True}
        result = await self._collection.update_one(query, with_events({"$set": fields}, *events))
        if result.modified_count == 0:
            return False
        self._on_event(listing_id)
        await self._keep_in_sync(
            listing_id, fields.get("version", version), fields.get("updated_at")
        )
        return True

    async def _keep_in_sync(self, listing_id: str, version: int, stamped: Any) -> None:
        """Stamp a slow write again, so no offline sync can have passed it.

        Sync trusts every write to land within its settle window of its `updated_at`; one that
        took longer may have landed behind a cursor already handed out. A fresh `updated_at`
        (same version) puts it in front of every such cursor. Writes are rarely this slow.
        """
        for _ in range(MAX_RESTAMPS):
            if not isinstance(stamped, datetime) or self._sync_settle is None:
                return
            if self._clock() - stamped <= self._sync_settle:
                return
            fresh = self._clock()
            result = await self._collection.update_one(
                {"_id": listing_id, "version": version, "updated_at": stamped},
                {"$set": {"updated_at": fresh}},
            )
            if result.modified_count == 0:
                return  # changed again since, and stamped by that later change
            stamped = fresh
        log.warning(
            "listing write slower than the sync settle window", extra={"listing_id": listing_id}
        )

    async def purge_deleted(self, before: datetime) -> int:
        """Remove deleted listings (sync tombstones) last changed before `before`.

        A document whose outbox still holds events is kept until the relay has sent them.
        """
        result = await self._collection.delete_many(
            {
                "deleted": True,
                "updated_at": {"$lt": before},
                "$or": [{PENDING: {"$exists": False}}, {PENDING: {"$lte": 0}}],
            }
        )
        return result.deleted_count
