"""The stock saga's replies from the listings service, each one guarded order change.

The aggregate makes replies idempotent on their own (a second `stock.reserved` is recognised by
`reservation_seen`; a `stock.rejected` for an order no longer pending is ignored), on top of the
consumer's de-duplication by event id. A `stock.reserved` for an order that was cancelled
meanwhile (or timed out) leaves the order as it is and emits `order.stock_release_requested`, on
which listings releases the stock (see `messaging.wire`). A `price_changed` rejection keeps the
listing's current price on the order, so the buyer's app can show it and ask again. A reply for
an order this service never stored cannot be fixed by retrying: the 404 dead-letters it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.rejection import RejectedLine
from lumbung_orders.usecases.order_changes import OrderChanges


class RecordStockReply:
    """`stock.reserved` reserves a pending order; `stock.rejected` rejects it."""

    def __init__(self, changes: OrderChanges, confirm_within: timedelta) -> None:
        self._changes = changes
        self._confirm_within = confirm_within

    async def reserved(self, order_id: str) -> None:
        def decide(order: Order) -> list[OrderEvent]:
            return order.on_stock_reserved(datetime.now(UTC), self._confirm_within).events

        await self._changes.change(order_id, decide)

    async def rejected(self, order_id: str, reason: str, line: RejectedLine | None) -> None:
        def decide(order: Order) -> list[OrderEvent]:
            return order.on_stock_rejected(reason, datetime.now(UTC), line).events

        await self._changes.change(order_id, decide)
