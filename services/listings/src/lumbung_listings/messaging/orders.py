"""Answers order events with stock: hold on `order.placed`, give back when the order ends early.

Thin handlers: each decodes nothing by hand (the consumer already validated the payload) and
calls one method of `StockReservations`, which is idempotent per order on its own.
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
)
from lumbung_shared.kafka import EventHandler

from lumbung_listings.storage.reservations import StockReservations

RELEASING = (OrderCancelled, OrderDeclined, OrderExpired)


def order_handlers(reservations: StockReservations) -> Mapping[str, EventHandler]:
    """Handlers by event type for the `stock` consumer group."""

    async def on_placed(event: Envelope[Any]) -> None:
        await reservations.reserve(event.payload)

    async def on_ended_early(event: Envelope[Any]) -> None:
        await reservations.release(event.payload.order_id)

    async def on_completed(event: Envelope[Any]) -> None:
        await reservations.settle(event.payload.order_id)

    return {
        OrderPlaced.event_type: on_placed,
        OrderCompleted.event_type: on_completed,
        **{kind.event_type: on_ended_early for kind in RELEASING},
    }
