"""Taking and giving back units of one listing for one order: one guarded update each.

Each change is a single conditional update on the listing document. The guard names the
version read a moment before (so nothing changed in between), that the listing is active with
enough units, and that this order does not hold stock on it yet (`reserved_orders`); the update
takes the units, records the order, bumps the version and pushes `listing.updated` (and
`listing.status_changed` when the last unit goes) into the listing's outbox. Two racing orders
cannot both pass the guard, and a repeated order cannot take twice. A lost race re-reads and
tries again; stock never goes below zero because the guard and the write are one operation.
"""

from __future__ import annotations

from dataclasses import dataclass

from lumbung_shared.kafka import TransientError
from lumbung_shared.outbox import Notify, outbox_push
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.stock import RejectReason, StockState, can_reserve, status_for_stock
from lumbung_listings.messaging.events import listing_changed
from lumbung_listings.storage.documents import Document, merge_updates, now_ms

MAX_RACES = 50  # re-reads after losing a race before the event is retried later


@dataclass(frozen=True)
class LineTaken:
    """The units are held for the order; `remaining` is what is left on the listing."""

    remaining: int


@dataclass(frozen=True)
class LineRefused:
    """The units could not be held, and why."""

    reason: RejectReason


class ListingStock:
    """Stock counters of listings, changed only through guarded single-document updates."""

    def __init__(self, listings: AsyncCollection[Document], on_event: Notify) -> None:
        self._listings = listings
        self._on_event = on_event

    async def take(
        self, listing_id: str, seller_id: str, order_id: str, quantity: int
    ) -> LineTaken | LineRefused:
        """Hold `quantity` units for `order_id`, or say why not; a repeat is a no-op."""
        for _ in range(MAX_RACES):
            doc = await self._listings.find_one({"_id": listing_id}, {"outbox": 0})
            if doc is None or doc.get("deleted") or doc["seller_id"] != seller_id:
                return LineRefused(RejectReason.UNKNOWN_LISTING)
            if order_id in doc.get("reserved_orders", []):
                return LineTaken(doc["quantity_available"])
            state = StockState(Status(doc["status"]), doc["quantity_available"], doc["min_order"])
            reason = can_reserve(state, quantity)
            if reason is not None:
                return LineRefused(reason)
            guard = {
                "status": Status.ACTIVE.value,
                "quantity_available": {"$gte": quantity},
                "reserved_orders": {"$ne": order_id},
            }
            after = await self._change(
                doc, -quantity, guard, {"$push": {"reserved_orders": order_id}}
            )
            if after is not None:
                return LineTaken(after["quantity_available"])
        raise TransientError(f"listing {listing_id} kept changing; retrying later")

    async def give_back(self, listing_id: str, order_id: str, quantity: int) -> int | None:
        """Return `quantity` units held by `order_id`; None when the order holds none there."""
        for _ in range(MAX_RACES):
            doc = await self._listings.find_one({"_id": listing_id}, {"outbox": 0})
            if doc is None or order_id not in doc.get("reserved_orders", []):
                return None
            release = {"$pull": {"reserved_orders": order_id}}
            if doc.get("deleted"):
                # A deleted listing sells nothing: drop the hold, publish nothing.
                await self._listings.update_one({"_id": listing_id}, release)
                return 0
            after = await self._change(doc, quantity, {"reserved_orders": order_id}, release)
            if after is not None:
                return int(after["quantity_available"])
        raise TransientError(f"listing {listing_id} kept changing; retrying later")

    async def forget(self, listing_id: str, order_id: str) -> None:
        """Drop a completed order's marker; its units stay sold (keeps the marker list short)."""
        await self._listings.update_one(
            {"_id": listing_id, "reserved_orders": order_id},
            {"$pull": {"reserved_orders": order_id}},
        )

    async def _change(
        self, doc: Document, delta: int, guard: Document, marker: Document
    ) -> Document | None:
        """Apply `delta` to the stock of `doc` if it is still at the version read; else None."""
        quantity = doc["quantity_available"] + delta
        status = status_for_stock(Status(doc["status"]), quantity).value
        after = {
            **doc,
            "quantity_available": quantity,
            "status": status,
            "version": doc["version"] + 1,
            "updated_at": now_ms(),
        }
        fields = {
            key: after[key] for key in ("quantity_available", "status", "version", "updated_at")
        }
        update = merge_updates({"$set": fields}, marker, outbox_push(*listing_changed(doc, after)))
        result = await self._listings.update_one(
            {"_id": doc["_id"], "version": doc["version"], **guard}, update
        )
        if result.modified_count == 0:
            return None
        self._on_event(doc["_id"])
        return after
