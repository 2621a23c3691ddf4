"""Live order status as Server-Sent Events, so the app sees changes without polling.

The stream polls the order document (cheap: one indexed read by id) and sends the order
whenever its version changes; the SSE `id` is the version, so a client reconnecting with
`Last-Event-ID` gets only news. A comment line goes out when idle, well inside the gateway's
read timeout, and the stream ends after a bounded lifetime (the client reconnects) or once
the order reached a state nothing leaves.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import StreamingResponse

from lumbung_orders.api.deps import Finder, OrderId, Participant, Settings
from lumbung_orders.api.views import order_json
from lumbung_orders.domain.states import TERMINAL_STATES
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.settings import OrdersSettings
from lumbung_orders.usecases.find_orders import FindOrders

router = APIRouter(prefix="/v1/orders", tags=["orders"])


@router.get("/{order_id}/events", response_class=StreamingResponse)
async def order_events(
    order_id: OrderId,
    caller: Participant,
    find: Finder,
    settings: Settings,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    """Stream the order (text/event-stream) each time it changes."""
    stored = await find.one(order_id, caller)
    seen = int(last_event_id) if last_event_id and last_event_id.isdigit() else 0
    return StreamingResponse(
        _stream(find, stored, seen, settings),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _stream(
    find: FindOrders, stored: StoredOrder, seen: int, settings: OrdersSettings
) -> AsyncIterator[bytes]:
    started = last_sent = time.monotonic()
    yield f"retry: {int(settings.events_poll_seconds * 2000)}\n\n".encode()
    current: StoredOrder | None = stored
    while current is not None:
        if current.version > seen:
            seen = current.version
            last_sent = time.monotonic()
            yield _event(current)
            if current.order.state in TERMINAL_STATES:
                return
        now = time.monotonic()
        if now - started >= settings.events_max_seconds:
            return
        if now - last_sent >= settings.events_heartbeat_seconds:
            last_sent = now
            yield b": keep-alive\n\n"
        await asyncio.sleep(settings.events_poll_seconds)
        current = await find.latest(stored.order.order_id)


def _event(stored: StoredOrder) -> bytes:
    data = json.dumps(order_json(stored), separators=(",", ":"))
    return f"id: {stored.version}\nevent: order\ndata: {data}\n\n".encode()
