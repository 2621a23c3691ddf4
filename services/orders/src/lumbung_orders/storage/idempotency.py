"""Idempotency-Key records: what a checkout planned and what it answered, per buyer and key.

The record is inserted FIRST, before any order: its unique `_id` (`<buyer>:<key>`) makes two
concurrent retries race-safe, since only one insert can win and the loser reads the winner's
record. The record holds the complete order documents chosen up front (ids, prices, the
`order.placed` events), so a crash between the key insert and the order inserts is repaired
by the next retry simply inserting them again — order inserts are idempotent by `_id`.
Records are kept at least 24 h; FerretDB has no TTL index, so housekeeping deletes old ones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, IndexModel, ReturnDocument
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

    async def complete(self, key_id: str, response: Document) -> Document:
        """Store the answer once; a concurrent completer's earlier answer is kept and returned."""
        done = await self._collection.find_one_and_update(
            {"_id": key_id, "response": {"$exists": False}},
            {"$set": {"response": response, "completed_at": datetime.now(UTC)}},
            return_document=ReturnDocument.AFTER,
        )
        if done is None:
            done = await self._collection.find_one({"_id": key_id})
        assert done is not None
        stored: Document = done["response"]
        return stored

    async def forget_older_than(self, age: timedelta) -> int:
        result = await self._collection.delete_many(
            {"created_at": {"$lt": datetime.now(UTC) - age}}
        )
        return result.deleted_count
