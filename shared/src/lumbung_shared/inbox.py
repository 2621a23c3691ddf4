"""Consumer-side de-duplication: which event ids a consumer group has already handled.

Kafka delivers at least once and the outbox may publish twice, so every consumer records the
ids it has processed and skips repeats. Handlers are also written to be idempotent on their
own, so a crash between the handler and `mark` is harmless.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError


class Inbox(Protocol):
    """What a consumer needs to skip events it has handled."""

    async def seen(self, consumer: str, event_id: str) -> bool: ...

    async def mark(self, consumer: str, event_id: str) -> None: ...


class ProcessedEvents:
    """The set of (consumer, event id) pairs already handled, in the consumer's own database."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    @staticmethod
    def _id(consumer: str, event_id: str) -> str:
        return f"{consumer}:{event_id}"

    async def seen(self, consumer: str, event_id: str) -> bool:
        found = await self._collection.find_one({"_id": self._id(consumer, event_id)}, {"_id": 1})
        return found is not None

    async def mark(self, consumer: str, event_id: str) -> None:
        with contextlib.suppress(DuplicateKeyError):
            await self._collection.insert_one(
                {"_id": self._id(consumer, event_id), "at": datetime.now(UTC)}
            )

    async def forget_older_than(self, age: timedelta) -> int:
        """Drop old ids (FerretDB has no TTL indexes); redeliveries come within minutes."""
        result = await self._collection.delete_many({"at": {"$lt": datetime.now(UTC) - age}})
        return result.deleted_count
