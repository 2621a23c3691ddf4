"""Order routes: checkout, the buyer's and seller's lists, detail, and the people's moves.

Who may see an order is decided here for every route (a buyer only theirs, a seller only those
placed with them, else 404); who may make which move is the state table's job in `domain`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Header, Query
from fastapi.responses import JSONResponse
from lumbung_shared.kafka import TransientError
from lumbung_shared.text import SafeText
from lumbung_shared.web.identity import Identity, Role
from pydantic import BaseModel, Field

from lumbung_orders.api.deps import Book, Buyer, CheckoutUseCase, OrderId, Participant
from lumbung_orders.api.paging import Paging
from lumbung_orders.api.views import OrderPage, OrdersPlaced, OrderView, order_view
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.idempotency import require_key
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import PlaceOrderRequest
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_orders.orderbook import BUSY, Decision, OrderBook, actor_of
from lumbung_orders.storage.orders import StoredOrder

router = APIRouter(prefix="/v1/orders", tags=["orders"])

MAX_PAGE: Final = 100

Move = Callable[[Order, Actor, datetime], list[OrderEvent]]
"""One person's move: the order, the actor they act as, and now."""


@router.post("", status_code=202, response_model=OrdersPlaced)
async def place_order(
    body: PlaceOrderRequest,
    buyer: Buyer,
    checkout: CheckoutUseCase,
    idempotency_key: Annotated[str | None, Header(max_length=512)] = None,
) -> JSONResponse:
    """Place a cart (one order per seller); Idempotency-Key required, retries answer the same."""
    key = require_key(idempotency_key)
    answer = await checkout.place(buyer.subject, key, body)
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


@router.get("", response_model=OrderPage)
async def list_orders(
    caller: Participant,
    book: Book,
    *,
    state: Annotated[list[OrderState] | None, Query(max_length=10)] = None,
    since: datetime | None = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    buyer_id: Annotated[str | None, Query(max_length=64)] = None,
    seller_id: Annotated[str | None, Query(max_length=64)] = None,
) -> OrderPage:
    """A buyer's orders, or a seller's incoming orders (admins: all, filterable by party)."""
    query = _party_filter(caller, buyer_id, seller_id)
    if state:
        query["state"] = {"$in": [s.value for s in state]}
    if since is not None:
        query["updated_at"] = {"$gte": since if since.tzinfo else since.replace(tzinfo=UTC)}
    paging = Paging.for_request(since)
    query.update(paging.after(cursor))
    found = await book.repository.page(query, paging.sort, limit + 1)
    items = found[:limit]
    more = len(found) > limit
    return OrderPage(
        items=[order_view(stored) for stored in items],
        next_cursor=paging.cursor_of(items[-1]) if more else None,
    )


@router.get("/{order_id}", response_model=OrderView)
async def get_order(order_id: OrderId, caller: Participant, book: Book) -> OrderView:
    """One order with its timeline, if it is yours."""
    return order_view(await book.visible(order_id, caller))


class Reason(BaseModel):
    """Why, shown on the order's timeline."""

    reason: Annotated[SafeText, Field(max_length=300)] | None = None


OptionalReason = Annotated[Reason | None, Body()]


@router.post("/{order_id}/confirm", response_model=OrderView)
async def confirm_order(order_id: OrderId, caller: Participant, book: Book) -> OrderView:
    """The seller accepts a reserved order."""
    return await _act(book, order_id, caller, lambda o, a, at: o.confirm(a, caller.subject, at))


@router.post("/{order_id}/decline", response_model=OrderView)
async def decline_order(
    order_id: OrderId, caller: Participant, book: Book, body: OptionalReason = None
) -> OrderView:
    """The seller refuses a reserved order; its stock is released."""
    why = body.reason if body else None
    return await _act(
        book, order_id, caller, lambda o, a, at: o.decline(a, caller.subject, at, why)
    )


@router.post("/{order_id}/ship", response_model=OrderView)
async def ship_order(order_id: OrderId, caller: Participant, book: Book) -> OrderView:
    """The seller hands a confirmed order over for delivery."""
    return await _act(book, order_id, caller, lambda o, a, at: o.ship(a, caller.subject, at))


@router.post("/{order_id}/deliver", response_model=OrderView)
async def deliver_order(order_id: OrderId, caller: Participant, book: Book) -> OrderView:
    """The buyer received the goods (COD becomes paid; a paid order completes)."""
    return await _act(book, order_id, caller, lambda o, a, at: o.deliver(a, caller.subject, at))


@router.post("/{order_id}/cancel", response_model=OrderView)
async def cancel_order(
    order_id: OrderId, caller: Participant, book: Book, body: OptionalReason = None
) -> OrderView:
    """The buyer calls the order off before it ships; stock is released, payment refunded."""
    why = body.reason if body else None
    return await _act(book, order_id, caller, lambda o, a, at: o.cancel(a, caller.subject, at, why))


async def _act(book: OrderBook, order_id: str, caller: Identity, move: Move) -> OrderView:
    """Run one person's move on a visible order, as the actor their role makes them."""
    actor = actor_of(caller)

    def decide(order: Order) -> list[OrderEvent]:
        events: list[OrderEvent] = move(order, actor, datetime.now(UTC))
        return events

    return order_view(await change(book, order_id, decide, caller))


async def change(book: OrderBook, order_id: str, decide: Decision, caller: Identity) -> StoredOrder:
    """`OrderBook.change` for a request: a hopeless race is a 409 to retry, not a 500."""
    try:
        return await book.change(order_id, decide, caller)
    except TransientError as exc:
        raise BUSY from exc


def _party_filter(caller: Identity, buyer_id: str | None, seller_id: str | None) -> dict[str, Any]:
    if caller.role is Role.BUYER:
        return {"buyer_id": caller.subject}
    if caller.is_seller:
        return {"seller_id": caller.subject}
    query: dict[str, Any] = {}
    if buyer_id:
        query["buyer_id"] = buyer_id
    if seller_id:
        query["seller_id"] = seller_id
    return query
