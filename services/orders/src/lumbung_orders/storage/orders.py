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
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from lumbung_shared.clock import utc_now
from lumbung_shared.events import Envelope
from lumbung_shared.mongo import Document, ensure_indexes
from lumbung_shared.outbox import Notify, outbox_fields, with_events
from lumbung_shared.regions import regency_of
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_orders.domain.order import Order
from lumbung_orders.domain.order_lines import ListingKind
from lumbung_orders.domain.states import OrderState
from lumbung_orders.domain.stored_order import StoredOrder

ORDER_FIELDS: Final = frozenset(Order.model_fields) - {"order_id"}
INDEXES: Final = (
    IndexModel([("buyer_id", ASCENDING), ("placed_at", DESCENDING)], name="buyer_placed"),
    IndexModel([("seller_id", ASCENDING), ("placed_at", DESCENDING)], name="seller_placed"),
    IndexModel([("buyer_id", ASCENDING), ("updated_at", ASCENDING)], name="buyer_updated"),
    IndexModel([("seller_id", ASCENDING), ("updated_at", ASCENDING)], name="seller_updated"),
    IndexModel([("state", ASCENDING), ("expires_at", ASCENDING)], name="state_expires"),
    IndexModel([("payout_members", ASCENDING), ("payout_at", ASCENDING)], name="payout_members"),
    IndexModel([("payout_aggregators", ASCENDING), ("payout_at", ASCENDING)], name="payout_aggs"),
)
PAYOUT_PARTIES: Final = frozenset({"payout_members", "payout_aggregators"})


def to_document(order: Order) -> Document:
    """The stored fields of an order, plus the derived ones queries need."""
    fields = order.model_dump(mode="python", exclude={"order_id"})
    fields["catch_regencies"] = sorted(
        {
            code
            for line in order.lines
            if line.kind is ListingKind.CATCH
            and line.origin_region is not None
            and (code := regency_of(line.origin_region))
        }
    )
    fields["payout_members"] = sorted(
        {share.member_id for payout in order.payouts for share in payout.shares}
    )
    fields["payout_aggregators"] = sorted({payout.aggregator_id for payout in order.payouts})
    fields["payout_at"] = min((p.accrued_at for p in order.payouts), default=None)
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
        """Insert a prepared order; inserting the same `_id` again is a no-op (checkout retry).

        The relay is woken for a repeat too: the first attempt may have been cut off between
        its insert and its wake-up (checkout budget), and the relay's claim finds nothing to do
        when `order.placed` is already out.
        """
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
        now = utc_now()  # what BSON keeps, so a write answers what reads will
        update = with_events(
            {"$set": {**to_document(order), "updated_at": now}, "$inc": {"version": 1}}, *events
        )
        result = await self._collection.update_one(
            {"_id": order.order_id, "version": stored.version}, update
        )
        if result.modified_count != 1:
            return None
        if events:
            self._wake(order.order_id)
        return StoredOrder(order, stored.version + 1, now)

    async def lapsed_ids(self, now: datetime, limit: int) -> list[str]:
        """Pending or reserved orders whose current deadline has passed, oldest first."""
        query = {"state": {"$in": _LAPSING}, "expires_at": {"$lte": now}}
        cursor = self._collection.find(query, {"_id": 1}).sort("expires_at", ASCENDING).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def catch_orders_in(
        self, states: list[str], regencies: list[str], limit: int
    ) -> list[str]:
        """Orders in `states` with a catch line from any of `regencies`."""
        return await self._ids(
            {"state": {"$in": states}, "catch_regencies": {"$in": regencies}}, limit
        )

    async def flagged_by(self, alert_ids: list[str], limit: int) -> list[str]:
        """Orders any of `alert_ids` flagged at risk."""
        return await self._ids({"risk_alert_ids": {"$in": alert_ids}}, limit)

    async def _ids(self, query: Document, limit: int) -> list[str]:
        cursor = self._collection.find(query, {"_id": 1}).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def with_payouts_of(
        self, party: str, party_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Order]:
        """Orders whose payouts accrued in [start, end) and name `party_id` as `party`
        (`payout_members` or `payout_aggregators`), oldest first, at most `limit`.

        Indexed on MongoDB; FerretDB scans every order for it, hence the callers' bounds.
        """
        if party not in PAYOUT_PARTIES:
            raise ValueError(f"not a payout party field: {party}")
        query = {party: party_id, "payout_at": {"$gte": start, "$lt": end}}
        cursor = self._collection.find(query, _READ_PROJECTION)
        cursor = cursor.sort([("payout_at", ASCENDING), ("_id", ASCENDING)]).limit(limit)
        return [from_document(doc).order async for doc in cursor]

    async def page(self, listing: OrderListing, limit: int) -> list[StoredOrder]:
        """Up to `limit` orders matching `listing`, in its sort order."""
        cursor = self._collection.find(listing.query(), _READ_PROJECTION)
        return [from_document(doc) async for doc in cursor.sort(listing.sort()).limit(limit)]


@dataclass(frozen=True)
class PageKey:
    """Where a page ended: the sort field's value and the id of its last order."""

    at: datetime
    order_id: str


@dataclass(frozen=True)
class OrderListing:
    """Which orders a list asks for; with `since`, by change time, else newest placed first."""

    buyer_id: str | None
    seller_id: str | None
    states: list[OrderState] | None
    since: datetime | None
    resume: PageKey | None = None

    @property
    def sort_field(self) -> str:
        return "updated_at" if self.since is not None else "placed_at"

    @property
    def descending(self) -> bool:
        return self.since is None

    def after(self, key: PageKey) -> OrderListing:
        return replace(self, resume=key)

    def key_of(self, stored: StoredOrder) -> PageKey:
        at = stored.updated_at if self.since is not None else stored.order.placed_at
        return PageKey(at, stored.order.order_id)

    def sort(self) -> list[tuple[str, int]]:
        direction = DESCENDING if self.descending else ASCENDING
        return [(self.sort_field, direction), ("_id", direction)]

    def query(self) -> Document:
        query: Document = {}
        if self.buyer_id:
            query["buyer_id"] = self.buyer_id
        if self.seller_id:
            query["seller_id"] = self.seller_id
        if self.states:
            query["state"] = {"$in": [state.value for state in self.states]}
        if self.since is not None:
            query["updated_at"] = {"$gte": self.since}
        if self.resume is not None:
            field, at, last_id = self.sort_field, self.resume.at, self.resume.order_id
            beyond = "$lt" if self.descending else "$gt"
            query["$or"] = [{field: {beyond: at}}, {field: at, "_id": {beyond: last_id}}]
        return query


_LAPSING: Final = [OrderState.PENDING.value, OrderState.RESERVED.value]
"""States with a deadline: the stock decision (pending) and the seller's confirmation."""
_READ_PROJECTION: Final[Document] = {"outbox": 0}
"""Reads never need the outbox entries (full event bodies)."""
