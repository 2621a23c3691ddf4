"""Answers order events with stock: reserve on `order.placed`, give back when the order ends early.

Released on `order.cancelled`, `order.declined`, `order.expired`, `order.rejected` (the orders
service gave up waiting: a reservation deadline) and `order.stock_release_requested` (a late
reservation for an order that had already ended); each release is a no-op when nothing is held.

Thin handlers: each decodes nothing by hand (the consumer already validated the payload) and
calls one stock use case, which is idempotent per order on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.orders import (
    OrderCancelled,
    OrderCompleted,
    OrderDeclined,
    OrderExpired,
    OrderPlaced,
    OrderRejected,
    OrderStockReleaseRequested,
)
from lumbung_shared.inbox import self_idempotent
from lumbung_shared.kafka import EventHandler

from lumbung_listings.usecases.release_stock import ReleaseStock
from lumbung_listings.usecases.reserve_stock import ReserveStock
from lumbung_listings.usecases.settle_stock import SettleStock

RELEASING = (
    OrderCancelled,
    OrderDeclined,
    OrderExpired,
    OrderRejected,
    OrderStockReleaseRequested,
)


def order_handlers(
    reserve_stock: ReserveStock, release_stock: ReleaseStock, settle_stock: SettleStock
) -> Mapping[str, EventHandler]:
    """Handlers by event type for the `stock` consumer group (each idempotent per order)."""

    async def on_placed(event: Envelope[Any]) -> None:
        await reserve_stock(event.payload)

    async def on_ended_early(event: Envelope[Any]) -> None:
        await release_stock(event.payload.order_id)

    async def on_completed(event: Envelope[Any]) -> None:
        await settle_stock(event.payload.order_id)

    return self_idempotent(
        {
            OrderPlaced.event_type: on_placed,
            OrderCompleted.event_type: on_completed,
            **{kind.event_type: on_ended_early for kind in RELEASING},
        }
    )
