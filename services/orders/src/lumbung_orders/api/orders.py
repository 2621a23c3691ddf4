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
from lumbung_shared.cursors import CURSOR_PATTERN, MAX_CURSOR_LENGTH
from lumbung_shared.web.problems import problem
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, ConfigDict, Field

from lumbung_orders.api.checkout_gate import (
    BUSY,
    BUSY_STATUS,
    RETRY_AFTER_SECONDS,
    CheckoutsBusyError,
)
from lumbung_orders.api.deps import Buyer, Finder, Gate, Moves, OrderId, Participant, Placing
from lumbung_orders.api.views import OrderPage, OrdersPlaced, OrderView, order_view
from lumbung_orders.domain.idempotency import KEY_PATTERN, MAX_KEY_LENGTH
from lumbung_orders.domain.pricing import PlaceOrderRequest
from lumbung_orders.domain.readable_text import ReadableText
from lumbung_orders.domain.saga_backlog import SagaBacklogFullError
from lumbung_orders.domain.states import OrderState
from lumbung_orders.usecases.move_order import OrderMove

router = APIRouter(prefix="/v1/orders", tags=["orders"])

MAX_PAGE: Final = 100
"""What `next_cursor` looks like (URL-safe base64, `lumbung_shared.cursors`); only a cursor this
service handed out is accepted, anything else is 422 `invalid-cursor`."""

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        pattern=KEY_PATTERN,
        description="A key of your own for this checkout (a UUID fits); send the same key when "
        "you retry, and the same answer comes back instead of a second order.",
        examples=["6f1c2e9a-0b7d-4c1e-9f3a-2d8b5e7c1a40"],
    ),
]
REPLAYED = {
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
PARTY_MOVE = problem_responses(401, 403, 404, 409, 422)
"""What a move can answer: not the caller's order (404), not allowed from its state (409)."""


@router.post(
    "",
    status_code=202,
    response_model=OrdersPlaced,
    responses={
        202: {"headers": REPLAYED},
        **problem_responses(400, 401, 403, 422),
        BUSY_STATUS: {
            **problem_responses(BUSY_STATUS)[BUSY_STATUS],
            "description": "Too many checkouts in flight, or too many orders waiting for their "
            "stock decision; retry with the same Idempotency-Key after `Retry-After` seconds.",
            "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
        },
    },
)
async def place_order(
    request: Request,
    body: PlaceOrderRequest,
    idempotency_key: IdempotencyKey,
    *,
    buyer: Buyer,
    placing: Placing,
    gate: Gate,
) -> JSONResponse:
    """Place a cart (one order per seller); Idempotency-Key required, retries answer the same."""
    try:
        async with gate.turn():
            answer = await placing.place(buyer.subject, idempotency_key, body)
    except (CheckoutsBusyError, SagaBacklogFullError):  # the one "busy" answer for both
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return problem(request, BUSY_STATUS, "orders-busy", BUSY, headers=retry)
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


@router.get("", response_model=OrderPage, responses=problem_responses(401, 403, 422))
async def list_orders(
    caller: Participant,
    find: Finder,
    *,
    state: Annotated[list[OrderState] | None, Query(max_length=10)] = None,
    since: Annotated[
        datetime | None,
        Query(description="Orders changed at or after this time, oldest change first (sync)."),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=MAX_CURSOR_LENGTH,
            pattern=CURSOR_PATTERN,
            description="`next_cursor` of the previous page, unchanged.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    buyer_id: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Admins only: one buyer.")
    ] = None,
    seller_id: Annotated[
        str | None, Query(min_length=1, max_length=64, description="Admins only: one seller.")
    ] = None,
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


@router.get(
    "/{order_id}", response_model=OrderView, responses=problem_responses(401, 403, 404, 422)
)
async def get_order(order_id: OrderId, caller: Participant, find: Finder) -> OrderView:
    """One order with its timeline, if it is yours."""
    return order_view(await find.one(order_id, caller))


class Reason(BaseModel):
    """Why, shown on the order's timeline; the body and its one field are both optional."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"examples": [{"reason": "Stok habis dimakan hama."}]},
    )

    reason: Annotated[ReadableText, Field(max_length=300)] | None = None


OptionalReason = Annotated[Reason, Body(description="Optional: send nothing, or a reason.")]
NO_REASON: Final = Reason()
WITH_REASON = problem_responses(400, 401, 403, 404, 409, 422)


@router.post("/{order_id}/confirm", response_model=OrderView, responses=PARTY_MOVE)
async def confirm_order(order_id: OrderId, caller: Participant, move: Moves) -> OrderView:
    """The seller accepts a reserved order."""
    return order_view(await move(order_id, OrderMove.CONFIRM, caller))


@router.post("/{order_id}/decline", response_model=OrderView, responses=WITH_REASON)
async def decline_order(
    order_id: OrderId, caller: Participant, move: Moves, body: OptionalReason = NO_REASON
) -> OrderView:
    """The seller refuses a reserved order; its stock is released."""
    return order_view(await move(order_id, OrderMove.DECLINE, caller, body.reason))


@router.post("/{order_id}/ship", response_model=OrderView, responses=PARTY_MOVE)
async def ship_order(order_id: OrderId, caller: Participant, move: Moves) -> OrderView:
    """The seller hands a confirmed order over for delivery."""
    return order_view(await move(order_id, OrderMove.SHIP, caller))


@router.post("/{order_id}/deliver", response_model=OrderView, responses=PARTY_MOVE)
async def deliver_order(order_id: OrderId, caller: Participant, move: Moves) -> OrderView:
    """The buyer received the goods (COD becomes paid; a paid order completes)."""
    return order_view(await move(order_id, OrderMove.DELIVER, caller))


@router.post("/{order_id}/cancel", response_model=OrderView, responses=WITH_REASON)
async def cancel_order(
    order_id: OrderId, caller: Participant, move: Moves, body: OptionalReason = NO_REASON
) -> OrderView:
    """The buyer calls the order off before it ships; stock is released, payment refunded."""
    return order_view(await move(order_id, OrderMove.CANCEL, caller, body.reason))
