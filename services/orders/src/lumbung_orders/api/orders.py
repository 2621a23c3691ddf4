"""Order routes: checkout, the buyer's and seller's lists, detail, and the people's moves.

Thin: each route parses, calls one use case and renders the view. Who may see an order (a buyer
only theirs, a seller only those placed with them, else 404) and who may make which move (the
state table) are the domain's rules, applied by the use cases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final

from fastapi import APIRouter, Body, Header, Query, Request
from fastapi.responses import JSONResponse
from lumbung_shared.text import SafeText
from lumbung_shared.web.problems import problem
from pydantic import BaseModel, Field

from lumbung_orders.api.checkout_gate import (
    BUSY,
    BUSY_STATUS,
    RETRY_AFTER_SECONDS,
    CheckoutsBusyError,
)
from lumbung_orders.api.deps import Buyer, Finder, Gate, Moves, OrderId, Participant, Placing
from lumbung_orders.api.views import OrderPage, OrdersPlaced, OrderView, order_view
from lumbung_orders.domain.idempotency import require_key
from lumbung_orders.domain.pricing import PlaceOrderRequest
from lumbung_orders.domain.saga_backlog import SagaBacklogFullError
from lumbung_orders.domain.states import OrderState
from lumbung_orders.usecases.move_order import OrderMove

router = APIRouter(prefix="/v1/orders", tags=["orders"])

MAX_PAGE: Final = 100


@router.post(
    "",
    status_code=202,
    response_model=OrdersPlaced,
    responses={
        BUSY_STATUS: {
            "description": "Too many checkouts in flight, or too many orders waiting for their "
            "stock decision; see Retry-After."
        }
    },
)
async def place_order(
    request: Request,
    body: PlaceOrderRequest,
    *,
    buyer: Buyer,
    placing: Placing,
    gate: Gate,
    idempotency_key: Annotated[str | None, Header(max_length=512)] = None,
) -> JSONResponse:
    """Place a cart (one order per seller); Idempotency-Key required, retries answer the same."""
    key = require_key(idempotency_key)
    try:
        async with gate.turn():
            answer = await placing.place(buyer.subject, key, body)
    except (CheckoutsBusyError, SagaBacklogFullError):  # the one "busy" answer for both
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return problem(request, BUSY_STATUS, "orders-busy", BUSY, headers=retry)
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
async def confirm_order(order_id: OrderId, caller: Participant, move: Moves) -> OrderView:
    """The seller accepts a reserved order."""
    return order_view(await move(order_id, OrderMove.CONFIRM, caller))


@router.post("/{order_id}/decline", response_model=OrderView)
async def decline_order(
    order_id: OrderId, caller: Participant, move: Moves, body: OptionalReason = None
) -> OrderView:
    """The seller refuses a reserved order; its stock is released."""
    why = body.reason if body else None
    return order_view(await move(order_id, OrderMove.DECLINE, caller, why))


@router.post("/{order_id}/ship", response_model=OrderView)
async def ship_order(order_id: OrderId, caller: Participant, move: Moves) -> OrderView:
    """The seller hands a confirmed order over for delivery."""
    return order_view(await move(order_id, OrderMove.SHIP, caller))


@router.post("/{order_id}/deliver", response_model=OrderView)
async def deliver_order(order_id: OrderId, caller: Participant, move: Moves) -> OrderView:
    """The buyer received the goods (COD becomes paid; a paid order completes)."""
    return order_view(await move(order_id, OrderMove.DELIVER, caller))


@router.post("/{order_id}/cancel", response_model=OrderView)
async def cancel_order(
    order_id: OrderId, caller: Participant, move: Moves, body: OptionalReason = None
) -> OrderView:
    """The buyer calls the order off before it ships; stock is released, payment refunded."""
    why = body.reason if body else None
    return order_view(await move(order_id, OrderMove.CANCEL, caller, why))
