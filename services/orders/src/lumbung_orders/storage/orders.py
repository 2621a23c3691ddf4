"""Orders as documents: one per order, holding its state, timeline, version and outbox.

Every change is one conditional update guarded by the version the change was computed from
(optimistic concurrency): the saga consumer, the expiry sweeper, the seller and the buyer may
all act on an order at once, and exactly one of two racing changes wins; the loser reloads and
re-decides against the new state. The events a change causes are pushed to the outbox in that
same update, so the order never changes without telling the other services (FerretDB has no
transactions; a single-document update is atomic).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from lumbung_shared.events import Envelope
from lumbung_shared.mongo import ensure_indexes
from lumbung_shared.outbox import Notify, outbox_fields, outbox_push
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import ListingKind
from lumbung_orders.domain.risk import regency_of

Document = dict[str, Any]

ORDER_FIELDS: Final = frozenset(Order.model_fields) - {"order_id"}
INDEXES: Final = (
    IndexModel([("buyer_id", ASCENDING), ("placed_at", DESCENDING)], name="buyer_placed"),
    IndexModel([("seller_id", ASCENDING), ("placed_at", DESCENDING)], name="seller_placed"),
    IndexModel([("buyer_id", ASCENDING), ("updated_at", ASCENDING)], name="buyer_updated"),
    IndexModel([("seller_id", ASCENDING), ("updated_at", ASCENDING)], name="seller_updated"),
    IndexModel([("state", ASCENDING), ("expires_at", ASCENDING)], name="state_expires"),
)


@dataclass(frozen=True)
class StoredOrder:
    """An order as read, with the version a change must be guarded by."""

    order: Order
    version: int
    updated_at: datetime


def to_document(order: Order) -> Document:
    """The stored fields of an order, plus the derived ones queries need."""
    fields = order.model_dump(mode="python", exclude={"order_id"})
    fields["catch_regencies"] = sorted(
        {
            code
            for line in order.lines
            if line.kind is ListingKind.CATCH and (code := regency_of(line.origin_region))
        }
    )
    return fields


def from_document(doc: Document) -> StoredOrder:
    order = Order.model_validate(
        {"order_id": doc["_id"], **{k: v for k, v in doc.items() if k in ORDER_FIELDS}}
    )
    return StoredOrder(order, int(doc["version"]), doc["updated_at"])


class OrderRepository:
    """Reads and version-guarded writes of order documents."""

    def __init__(self, collection: AsyncCollection[Document], wake: Notify) -> None:
        self._collection = collection
        self._wake = wake

    @property
    def collection(self) -> AsyncCollection[Document]:
        return self._collection

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    @staticmethod
    def new_document(order: Order, events: Sequence[Envelope[Any]], at: datetime) -> Document:
        """A pending order's first document, carrying `order.placed` in its outbox."""
        return {
            "_id": order.order_id,
            **to_document(order),
            "version": 1,
            "updated_at": at,
            **outbox_fields(*events),
        }

    async def insert(self, doc: Document) -> None:
        """Insert a prepared order; inserting the same `_id` again is a no-op (checkout retry)."""
        with contextlib.suppress(DuplicateKeyError):
            await self._collection.insert_one(doc)
        self._wake(doc["_id"])

    async def get(self, order_id: str) -> StoredOrder | None:
        doc = await self._collection.find_one({"_id": order_id}, _READ_PROJECTION)
        return None if doc is None else from_document(doc)

    async def save(
        self, stored: StoredOrder, order: Order, events: Sequence[Envelope[Any]]
    ) -> StoredOrder | None:
        """Write `order` and its events unless someone changed it since `stored` was read.

        Returns the order as now stored, or None when the guard failed (a concurrent change).
        """
        now = _stored_now()
        update: Document = {"$set": {**to_document(order), "updated_at": now}}
        ops = outbox_push(*events) if events else {}
        update["$inc"] = {"version": 1, **ops.get("$inc", {})}
        if "$push" in ops:
            update["$push"] = ops["$push"]
        result = await self._collection.update_one(
            {"_id": order.order_id, "version": stored.version}, update
        )
        if result.modified_count != 1:
            return None
        if events:
            self._wake(order.order_id)
        return StoredOrder(order, stored.version + 1, now)

    async def lapsed_ids(self, now: datetime, limit: int) -> list[str]:
        """Reserved orders whose confirmation deadline has passed, oldest first."""
        cursor = (
            self._collection.find({"state": "reserved", "expires_at": {"$lte": now}}, {"_id": 1})
            .sort("expires_at", ASCENDING)
            .limit(limit)
        )
        return [doc["_id"] async for doc in cursor]

    async def ids_matching(self, query: Document, limit: int) -> list[str]:
        cursor = self._collection.find(query, {"_id": 1}).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def page(
        self, query: Document, sort: list[tuple[str, int]], limit: int
    ) -> list[StoredOrder]:
        cursor = self._collection.find(query, _READ_PROJECTION).sort(sort).limit(limit)
        return [from_document(doc) async for doc in cursor]


def _stored_now() -> datetime:
    """Now cut to milliseconds, the precision BSON keeps, so a write answers what reads will."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


_READ_PROJECTION: Final[Document] = {"outbox": 0}
"""Reads never need the outbox entries (full event bodies)."""
