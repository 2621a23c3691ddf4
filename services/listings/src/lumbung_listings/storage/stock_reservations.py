"""The `stock_reservations` collection: one document per order, with its own outbox.

`_id` is the order id, so a redelivered `order.placed` finds the reservation already there;
state changes are conditional on the states they may start from and carry their `stock.*`
event in the same update.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.mongo import Document
from lumbung_shared.outbox import Notify, with_events
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError


class StockReservationRepository:
    """Stores each order's stock reservation and the events its decisions owe."""

    def __init__(self, collection: AsyncCollection[Document], on_event: Notify) -> None:
        self._collection = collection
        self._on_event = on_event

    async def find(self, order_id: str) -> Document | None:
        """The order's reservation without its outbox, None if never seen."""
        return await self._collection.find_one({"_id": order_id}, {"outbox": 0})

    async def insert(self, doc: Document) -> bool:
        """Store a new reservation; False when the order already has one."""
        try:
            await self._collection.insert_one(
                {**doc, "created_at": datetime.now(UTC), "outbox": [], "outbox_pending": 0}
            )
        except DuplicateKeyError:
            return False
        return True

    async def move(
        self,
        order_id: str,
        from_states: Iterable[str],
        fields: Document,
        *events: Envelope[Any],
    ) -> bool:
        """Set `fields` (with `decided_at`) if the reservation is in one of `from_states`."""
        update = with_events({"$set": {**fields, "decided_at": datetime.now(UTC)}}, *events)
        result = await self._collection.update_one(
            {"_id": order_id, "state": {"$in": list(from_states)}}, update
        )
        if result.modified_count == 0:
            return False
        if events:
            self._on_event(order_id)
        return True

    async def state_of(self, order_id: str) -> str | None:
        doc = await self._collection.find_one({"_id": order_id}, {"state": 1})
        return str(doc["state"]) if doc else None
