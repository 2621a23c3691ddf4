"""Idempotency-Key records: what a checkout planned and what it answered, per buyer and key.

The record is inserted FIRST, before any order: its unique `_id` (`<buyer>:<key>`) makes two
concurrent retries race-safe, since only one insert can win and the loser reads the winner's
record. The record holds the complete order documents chosen up front (ids, prices, the
`order.placed` events) and the answer rendered from them, so a crash between the key insert
and the order inserts is repaired by the next retry simply inserting them again (order inserts
are idempotent by `_id`) before it answers. Every read and write here names one exact `_id`:
FerretDB reads the whole collection for any other filter, and this one grows by every checkout.
Records are kept at least 24 h; FerretDB has no TTL index, so housekeeping deletes old ones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

INDEXES: Final = (IndexModel([("created_at", ASCENDING)], name="created_at"),)


def record_id(buyer_id: str, key: str) -> str:
    """Keys are scoped to one buyer: two buyers may well pick the same key."""
    return f"{buyer_id}:{key}"


class IdempotencyRepository:
    """Checkout plans and answers by Idempotency-Key."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def get(self, buyer_id: str, key: str) -> Document | None:
        return await self._collection.find_one({"_id": record_id(buyer_id, key)})

    async def claim(self, record: Document) -> Document:
        """Insert `record` unless the key exists; returns whichever record holds the key now."""
        try:
            await self._collection.insert_one(record)
        except DuplicateKeyError:
            existing = await self._collection.find_one({"_id": record["_id"]})
            if existing is not None:
                return existing
            raise
        return record

    async def complete(self, key_id: str, response: Document) -> None:
        """Store the answer of a record written without one (by a release before answers were
        planned up front).

        Unguarded on purpose: every completer renders the answer from the same stored plan, so
        a second write stores the same answer, and a guard (`response: {$exists: false}`) would
        only turn this exact-`_id` update into a full collection read on FerretDB.
        """
        await self._collection.update_one(
            {"_id": key_id}, {"$set": {"response": response, "completed_at": datetime.now(UTC)}}
        )

    async def forget_older_than(self, age: timedelta) -> int:
        result = await self._collection.delete_many(
            {"created_at": {"$lt": datetime.now(UTC) - age}}
        )
        return result.deleted_count
