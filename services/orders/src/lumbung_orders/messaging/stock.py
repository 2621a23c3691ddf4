"""The stock saga's replies (`lumbung.stock.events`) → `usecases.record_stock_reply`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.stock import StockRejected, StockReserved
from lumbung_shared.kafka import EventHandler


def stock_handlers(
    reserved: Callable[[str], Awaitable[None]],
    rejected: Callable[[str, str], Awaitable[None]],
) -> Mapping[str, EventHandler]:
    """Handlers by event type for the saga replies."""

    async def on_reserved(event: Envelope[Any]) -> None:
        payload: StockReserved = event.payload
        await reserved(payload.order_id)

    async def on_rejected(event: Envelope[Any]) -> None:
        payload: StockRejected = event.payload
        await rejected(payload.order_id, payload.reason)

    return {StockReserved.event_type: on_reserved, StockRejected.event_type: on_rejected}
