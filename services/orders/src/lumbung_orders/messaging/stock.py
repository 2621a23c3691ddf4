"""The stock saga's replies from the listings service (`lumbung.stock.events`).

Each reply is one guarded order change. The aggregate makes replies idempotent on their own
(a second `stock.reserved` is recognised by `reservation_seen`; a `stock.rejected` for an order
no longer pending is ignored), on top of the consumer's de-duplication by event id. A
`stock.reserved` for an order that was cancelled meanwhile leaves the order as it is and emits
`order.cancelled` again, on which listings releases the stock (see `messaging.wire`).
A reply for an order this service never stored cannot be fixed by retrying: dead-lettered.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.stock import StockRejected, StockReserved
from lumbung_shared.kafka import EventHandler

from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.orderbook import OrderBook


def stock_handlers(book: OrderBook, confirm_within: timedelta) -> Mapping[str, EventHandler]:
    """Handlers by event type for the saga replies."""

    async def on_reserved(event: Envelope[Any]) -> None:
        payload: StockReserved = event.payload

        def decide(order: Order) -> list[OrderEvent]:
            return order.on_stock_reserved(datetime.now(UTC), confirm_within).events

        await book.change(payload.order_id, decide)

    async def on_rejected(event: Envelope[Any]) -> None:
        payload: StockRejected = event.payload

        def decide(order: Order) -> list[OrderEvent]:
            return order.on_stock_rejected(payload.reason, datetime.now(UTC)).events

        await book.change(payload.order_id, decide)

    return {StockReserved.event_type: on_reserved, StockRejected.event_type: on_rejected}
