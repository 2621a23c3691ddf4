"""Live order status as Server-Sent Events, so the app sees every change without polling.

Each event is one step of the order's timeline, in order, and its SSE `id` is the step's
sequence number (1 = placed): a client reconnecting with `Last-Event-ID` gets exactly the steps
after the last one it saw, so two moves made within milliseconds (confirm, then ship) arrive as
two events, never as one merged jump. A fresh connection starts with the current step. The
stream reads the order (one read by id) every `events_poll_seconds`, sends a comment when idle
(well inside the gateway's read timeout; FastAPI's own keep-alive is a fixed 15 s, too slow to
set per deployment), and ends after a bounded lifetime (the client resumes) or once the order
reached a state nothing leaves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.sse import EventSourceResponse, ServerSentEvent
from lumbung_shared.web.responses import problem_responses

from lumbung_orders.api.deps import Finder, OrderId, Participant, Settings
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.states import TERMINAL_STATES, OrderState
from lumbung_orders.domain.stored_order import StoredOrder

router = APIRouter(prefix="/v1/orders", tags=["orders"])


async def _visible_order(order_id: OrderId, caller: Participant, find: Finder) -> StoredOrder:
    """The order if the caller may see it; 404 before the stream starts otherwise."""
    return await find.one(order_id, caller)


VisibleOrder = Annotated[StoredOrder, Depends(_visible_order)]
LastEventId = Annotated[
    str | None,
    Header(max_length=20, description="The last step's `id` seen; the stream resumes after it."),
]


@router.get(
    "/{order_id}/events",
    response_class=EventSourceResponse,
    responses=problem_responses(401, 403, 404, 422),
)
async def order_events(
    stored: VisibleOrder, find: Finder, settings: Settings, last_event_id: LastEventId = None
) -> AsyncIterator[ServerSentEvent]:
    """Stream each step of the order (text/event-stream); `Last-Event-ID` resumes after a step."""
    order_id = stored.order.order_id
    seen = _resume_after(last_event_id, stored.order)
    started = last_sent = time.monotonic()
    yield ServerSentEvent(retry=int(settings.events_poll_seconds * 2000))
    current: StoredOrder | None = stored
    while current is not None:
        for sequence, step in _steps_after(current.order, seen):
            seen = sequence
            last_sent = time.monotonic()
            yield ServerSentEvent(id=str(sequence), event="order", data=step)
        if current.order.state in TERMINAL_STATES and seen >= len(current.order.timeline):
            return
        now = time.monotonic()
        if now - started >= settings.events_max_seconds:
            return
        if now - last_sent >= settings.events_heartbeat_seconds:
            last_sent = now
            yield ServerSentEvent(comment="keep-alive")
        await asyncio.sleep(settings.events_poll_seconds)
        current = await find.latest(order_id)


def _resume_after(last_event_id: str | None, order: Order) -> int:
    """The last step the client has: its `Last-Event-ID`, or (fresh) all but the current one."""
    if last_event_id is not None and last_event_id.isdigit():
        return int(last_event_id)
    return max(len(order.timeline) - 1, 0)


def _steps_after(order: Order, seen: int) -> list[tuple[int, dict[str, Any]]]:
    """The timeline steps after sequence number `seen`, each as the event's JSON data.

    A rejection also names the refused line (with `price_changed`, its current price), so the
    app can ask the buyer again without another request.
    """
    steps = []
    for sequence, entry in enumerate(order.timeline, start=1):
        if sequence <= seen:
            continue
        data = {"order_id": order.order_id, "sequence": sequence, **entry.model_dump(mode="json")}
        if entry.state is OrderState.REJECTED and order.rejected_line is not None:
            data["rejected_line"] = order.rejected_line.model_dump(mode="json")
        steps.append((sequence, data))
    return steps
