"""Holds on stock per order: the answer to `order.placed` and the undo on cancel/decline/expiry.

One document per order (`_id` = order id) records where its hold is (see `domain.reservation`)
and carries the `stock.*` event in its own outbox, written in the same update that decides the
state. Lines are taken one listing at a time (`ListingStock`); if one is refused, the lines
already taken are given back before the refusal is recorded. A crash half-way leaves the hold
`pending`; the event is then redelivered and the same steps run again, each one a no-op where it
had already happened, because every listing remembers which orders hold stock on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from lumbung_shared.events.orders import OrderEvent
from lumbung_shared.events.stock import StockLine
from lumbung_shared.outbox import Notify, outbox_push
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_listings.domain.reservation import (
    DECIDED,
    MAX_LINES,
    RELEASABLE,
    HoldLine,
    HoldState,
    merge_lines,
)
from lumbung_listings.domain.stock import RejectReason
from lumbung_listings.messaging.events import stock_rejected, stock_released, stock_reserved
from lumbung_listings.storage.documents import Document, merge_updates
from lumbung_listings.storage.stock import LineRefused, ListingStock


class StockReservations:
    """Decides and undoes orders' holds on listing stock, exactly once per order."""

    def __init__(
        self,
        holds: AsyncCollection[Document],
        stock: ListingStock,
        on_event: Notify,
    ) -> None:
        self._holds = holds
        self._stock = stock
        self._on_event = on_event

    async def reserve(self, order: OrderEvent) -> HoldState:
        """Hold every line of a placed order, or none of them; returns the decided state."""
        lines = merge_lines((line.listing_id, line.quantity) for line in order.lines)
        hold = await self._open(order, lines)
        state = HoldState(hold["state"])
        if state in DECIDED:
            return state
        if len(lines) > MAX_LINES:
            return await self._reject(order.order_id, RejectReason.INSUFFICIENT, None, [])
        taken: list[StockLine] = []
        for line in lines:
            outcome = await self._stock.take(
                line.listing_id, order.seller_id, order.order_id, line.quantity
            )
            if isinstance(outcome, LineRefused):
                return await self._reject(order.order_id, outcome.reason, line.listing_id, lines)
            taken.append(
                StockLine(
                    listing_id=line.listing_id, quantity=line.quantity, remaining=outcome.remaining
                )
            )
        return await self._decide(
            order.order_id, HoldState.RESERVED, stock_reserved(order.order_id, taken)
        )

    async def release(self, order_id: str) -> HoldState:
        """Give back what the order holds; a no-op for orders that hold nothing."""
        hold = await self._holds.find_one({"_id": order_id}, {"outbox": 0})
        if hold is None:
            await self._insert({"_id": order_id, "state": HoldState.RELEASED.value, "lines": []})
            return HoldState.RELEASED
        if HoldState(hold["state"]) not in RELEASABLE:
            return HoldState(hold["state"])
        freed = await self._give_back(order_id, _lines(hold))
        event = stock_released(order_id, freed)
        return await self._decide(order_id, HoldState.RELEASED, event, from_states=RELEASABLE)

    async def settle(self, order_id: str) -> None:
        """The order completed: its units are sold for good; forget it on the listings."""
        hold = await self._holds.find_one({"_id": order_id}, {"outbox": 0})
        if hold is None or hold["state"] != HoldState.RESERVED.value:
            return
        for line in _lines(hold):
            await self._stock.forget(line.listing_id, order_id)
        await self._holds.update_one(
            {"_id": order_id, "state": HoldState.RESERVED.value},
            {"$set": {"state": HoldState.SETTLED.value, "decided_at": datetime.now(UTC)}},
        )

    async def _open(self, order: OrderEvent, lines: Sequence[HoldLine]) -> Document:
        """The order's hold document, created `pending` on first sight."""
        doc = {
            "_id": order.order_id,
            "seller_id": order.seller_id,
            "buyer_id": order.buyer_id,
            "state": HoldState.PENDING.value,
            "lines": [{"listing_id": ln.listing_id, "quantity": ln.quantity} for ln in lines],
        }
        if await self._insert(doc):
            return doc
        existing = await self._holds.find_one({"_id": order.order_id}, {"outbox": 0})
        assert existing is not None  # the insert collided with it
        return existing

    async def _insert(self, doc: Document) -> bool:
        try:
            await self._holds.insert_one(
                {**doc, "created_at": datetime.now(UTC), "outbox": [], "outbox_pending": 0}
            )
        except DuplicateKeyError:
            return False
        return True

    async def _reject(
        self,
        order_id: str,
        reason: RejectReason,
        listing_id: str | None,
        lines: Sequence[HoldLine],
    ) -> HoldState:
        await self._give_back(order_id, lines)
        event = stock_rejected(order_id, reason.value, listing_id)
        return await self._decide(order_id, HoldState.REJECTED, event, reason=reason.value)

    async def _give_back(self, order_id: str, lines: Sequence[HoldLine]) -> list[StockLine]:
        """Return every line the order still holds, last taken first."""
        freed = []
        for line in reversed(lines):
            remaining = await self._stock.give_back(line.listing_id, order_id, line.quantity)
            if remaining is not None:
                freed.append(
                    StockLine(
                        listing_id=line.listing_id, quantity=line.quantity, remaining=remaining
                    )
                )
        return freed

    async def _decide(
        self,
        order_id: str,
        state: HoldState,
        event: Any,
        from_states: frozenset[HoldState] = frozenset({HoldState.PENDING}),
        **fields: Any,
    ) -> HoldState:
        """Record the decision and its event in one update, only from an undecided state."""
        update = merge_updates(
            {"$set": {"state": state.value, "decided_at": datetime.now(UTC), **fields}},
            outbox_push(event),
        )
        result = await self._holds.update_one(
            {"_id": order_id, "state": {"$in": [s.value for s in from_states]}}, update
        )
        if result.modified_count:
            self._on_event(order_id)
            return state
        current = await self._holds.find_one({"_id": order_id}, {"state": 1})
        return HoldState(current["state"]) if current else state


def _lines(hold: Document) -> list[HoldLine]:
    return [HoldLine(line["listing_id"], line["quantity"]) for line in hold.get("lines", [])]
