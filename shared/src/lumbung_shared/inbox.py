"""Consumer-side de-duplication: which event ids a consumer group has already handled.

Kafka delivers at least once and the outbox may publish twice, so every consumer records the
ids it has processed and skips repeats. Handlers are also written to be idempotent on their
own, so a crash between the handler and `mark` is harmless; those whose own writes make any
repeat a no-op are marked `SelfIdempotent` and skip the lookup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_shared.events.envelope import Envelope
from lumbung_shared.kafka import EventHandler


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


class SelfIdempotent:
    """A handler that is idempotent by the state it writes, so its consumer skips the inbox read.

    The inbox lookup (`seen`) before every event costs one store round trip on the hot path,
    and it only saves work for a repeat, which is rare (a redelivery after a crash or a
    rebalance, a relay publishing twice). A handler whose own writes make a repeat a no-op (a
    state machine keyed by the aggregate id, a version guard) gives the same outcome for the
    repeat without it, so only the `mark` after the work is kept: one round trip instead of
    two. Marking first instead would not be safe: a handler failing after the mark would see
    its redelivery skipped.
    """

    def __init__(self, handler: EventHandler) -> None:
        self._handler = handler

    async def __call__(self, envelope: Envelope[Any]) -> None:
        await self._handler(envelope)


def self_idempotent(handlers: Mapping[str, EventHandler]) -> dict[str, EventHandler]:
    """`handlers`, each marked `SelfIdempotent` (see there for when that is true)."""
    return {event_type: SelfIdempotent(handler) for event_type, handler in handlers.items()}
