"""Order routes: checkout, the buyer's and seller's lists, detail, and the people's moves.

Who may see an order is decided here for every route (a buyer only theirs, a seller only those
placed with them, else 404); who may make which move is the state table's job in `domain`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Final

from fastapi import APIRouter, Body, Header, Query
from fastapi.responses import JSONResponse
from lumbung_shared.kafka import TransientError
from lumbung_shared.text import SafeText
from lumbung_shared.web.identity import Identity
from pydantic import BaseModel, Field

from lumbung_orders.api.deps import Buyer, Changes, Finder, OrderId, Participant, Placing
from lumbung_orders.api.views import OrderPage, OrdersPlaced, OrderView, order_view
from lumbung_orders.domain.access import actor_of
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.idempotency import require_key
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import PlaceOrderRequest
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.usecases.order_changes import BUSY, Decision, OrderChanges

router = APIRouter(prefix="/v1/orders", tags=["orders"])

MAX_PAGE: Final = 100

Move = Callable[[Order, Actor, datetime], list[OrderEvent]]
"""One person's move: the order, the actor they act as, and now."""


@router.post("", status_code=202, response_model=OrdersPlaced)
async def place_order(
    body: PlaceOrderRequest,
    buyer: Buyer,
    placing: Placing,
    idempotency_key: Annotated[str | None, Header(max_length=512)] = None,
) -> JSONResponse:
    """Place a cart (one order per seller); Idempotency-Key required, retries answer the same."""
    key = require_key(idempotency_key)
    answer = await placing.place(buyer.subject, key, body)
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


@router.get("", response_model=OrderPage)
async def list_orders(
    caller: Participant,
    find: Finder,
    *,
    state: Annotated[list[OrderState] | None, Query(max_length=10)] = None,
    since: datetime | None = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    buyer_id: Annotated[str | None, Query(max_length=64)] = None,
    seller_id: Annotated[str | None, Query(max_length=64)] = None,
) -> OrderPage:
    """A buyer's orders, or a seller's incoming orders (admins: all, filterable by party)."""
    page = await find.page(
        caller,
        states=state,
        since=since,
        cursor=cursor,
        limit=limit,
        buyer_id=buyer_id,
        seller_id=seller_id,
    )
    return OrderPage(items=[order_view(s) for s in page.items], next_cursor=page.next_cursor)


@router.get("/{order_id}", response_model=OrderView)
async def get_order(order_id: OrderId, caller: Participant, find: Finder) -> OrderView:
    """One order with its timeline, if it is yours."""
    return order_view(await find.one(order_id, caller))


class Reason(BaseModel):
    """Why, shown on the order's timeline."""

    reason: Annotated[SafeText, Field(max_length=300)] | None = None


OptionalReason = Annotated[Reason | None, Body()]


@router.post("/{order_id}/confirm", response_model=OrderView)
async def confirm_order(order_id: OrderId, caller: Participant, changes: Changes) -> OrderView:
    """The seller accepts a reserved order."""
    return await _act(changes, order_id, caller, lambda o, a, at: o.confirm(a, caller.subject, at))


@router.post("/{order_id}/decline", response_model=OrderView)
async def decline_order(
    order_id: OrderId, caller: Participant, changes: Changes, body: OptionalReason = None
) -> OrderView:
    """The seller refuses a reserved order; its stock is released."""
    why = body.reason if body else None
    return await _act(
        changes, order_id, caller, lambda o, a, at: o.decline(a, caller.subject, at, why)
    )


@router.post("/{order_id}/ship", response_model=OrderView)
async def ship_order(order_id: OrderId, caller: Participant, changes: Changes) -> OrderView:
    """The seller hands a confirmed order over for delivery."""
    return await _act(changes, order_id, caller, lambda o, a, at: o.ship(a, caller.subject, at))


@router.post("/{order_id}/deliver", response_model=OrderView)
async def deliver_order(order_id: OrderId, caller: Participant, changes: Changes) -> OrderView:
    """The buyer received the goods (COD becomes paid; a paid order completes)."""
    return await _act(changes, order_id, caller, lambda o, a, at: o.deliver(a, caller.subject, at))


@router.post("/{order_id}/cancel", response_model=OrderView)
async def cancel_order(
    order_id: OrderId, caller: Participant, changes: Changes, body: OptionalReason = None
) -> OrderView:
    """The buyer calls the order off before it ships; stock is released, payment refunded."""
    why = body.reason if body else None
    return await _act(
        changes, order_id, caller, lambda o, a, at: o.cancel(a, caller.subject, at, why)
    )


async def _act(changes: OrderChanges, order_id: str, caller: Identity, move: Move) -> OrderView:
    """Run one person's move on a visible order, as the actor their role makes them."""
    actor = actor_of(caller)

    def decide(order: Order) -> list[OrderEvent]:
        events: list[OrderEvent] = move(order, actor, datetime.now(UTC))
        return events

    return order_view(await change(changes, order_id, decide, caller))


async def change(
    changes: OrderChanges, order_id: str, decide: Decision, caller: Identity
) -> StoredOrder:
    """`OrderChanges.change` for a request: a hopeless race is a 409 to retry, not a 500."""
    try:
        return await changes.change(order_id, decide, caller)
    except TransientError as exc:
        raise BUSY from exc
