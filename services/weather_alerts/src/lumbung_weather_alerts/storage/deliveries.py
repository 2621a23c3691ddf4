"""Webhook deliveries: one durable document per (event, subscription) with its attempt log.

The document's id is derived from the event id and the subscription, so a redelivered Kafka
event cannot create a second delivery, and its `webhook_id` stays the same across every retry
and manual redelivery: the receiver de-duplicates by it and sees the alert once in effect.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from lumbung_shared.errors import ConflictError, Message, NotFoundError
from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"
MAX_REDELIVERIES = 5
"""Bounds the attempt log (FerretDB ignores `$slice`, so the log cannot be trimmed on write)."""

INDEXES = [
    IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)]),
    IndexModel([("subscription_id", ASCENDING), ("created_at", DESCENDING)]),
]


class DeliveryNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("Pengiriman webhook", "Webhook delivery")


def delivery_id(event_id: str, subscription_id: str) -> str:
    return hashlib.sha256(f"{event_id}:{subscription_id}".encode()).hexdigest()[:32]


class DeliveryRepository:
    """Stores deliveries; the worker claims due ones under a short lease."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def create(self, fields: Document, event_id: str, now: datetime) -> bool:
        """Add a pending delivery (idempotent); False when it existed already."""
        the_id = delivery_id(event_id, fields["subscription_id"])
        doc = {
            "_id": the_id,
            "webhook_id": f"msg_{the_id}",
            **fields,
            "status": PENDING,
            "attempt_count": 0,
            "attempts": [],
            "redeliveries": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        try:
            await self._collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def claim_due(self, now: datetime, lease: timedelta) -> Document | None:
        """Take one due delivery for `lease` (another worker skips it meanwhile)."""
        return await self._collection.find_one_and_update(
            {
                "status": PENDING,
                "next_attempt_at": {"$lte": now},
                "$or": [{"lease_until": {"$exists": False}}, {"lease_until": {"$lt": now}}],
            },
            {"$set": {"lease_until": now + lease}},
            sort=[("next_attempt_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    async def record(
        self, doc: Document, attempt: Document, status: str, next_attempt_at: datetime | None
    ) -> None:
        """Log an attempt and move the delivery on (delivered, retry later, or dead)."""
        changes: Document = {"status": status, "updated_at": attempt["at"]}
        if next_attempt_at is not None:
            changes["next_attempt_at"] = next_attempt_at
        if status == DELIVERED:
            changes["delivered_at"] = attempt["at"]
        await self._collection.update_one(
            {"_id": doc["_id"], "version": doc["version"]},
            {
                "$set": changes,
                "$unset": {"lease_until": ""},
                "$push": {"attempts": attempt},
                "$inc": {"attempt_count": 1, "version": 1},
            },
        )

    async def for_subscription(
        self, subscription_id: str, status: str | None, before: datetime | None, limit: int
    ) -> list[Document]:
        query: Document = {"subscription_id": subscription_id}
        if status:
            query["status"] = status
        if before:
            query["created_at"] = {"$lt": before}
        cursor = self._collection.find(query).sort("created_at", DESCENDING).limit(limit)
        return await cursor.to_list(None)

    async def one(self, subscription_id: str, the_id: str) -> Document:
        doc = await self._collection.find_one({"_id": the_id, "subscription_id": subscription_id})
        if doc is None:
            raise DeliveryNotFoundError
        return doc

    async def redeliver(self, subscription_id: str, the_id: str, now: datetime) -> Document:
        """Send again now, same webhook-id, with a fresh retry schedule."""
        doc = await self.one(subscription_id, the_id)
        if doc["redeliveries"] >= MAX_REDELIVERIES:
            raise ConflictError(
                "too-many-redeliveries",
                Message(
                    id="Pengiriman ini sudah terlalu sering diulang.",
                    en="This delivery has been redelivered too often.",
                ),
                limit=MAX_REDELIVERIES,
            )
        result = await self._collection.find_one_and_update(
            {"_id": doc["_id"], "version": doc["version"]},
            {
                "$set": {"status": PENDING, "attempt_count": 0, "next_attempt_at": now},
                "$inc": {"redeliveries": 1, "version": 1},
            },
            return_document=ReturnDocument.AFTER,
        )
        if result is None:
            raise ConflictError(
                "delivery-busy",
                Message(id="Pengiriman sedang berubah; coba lagi.", en="Delivery changed; retry."),
            )
        return result
