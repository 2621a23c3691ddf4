"""What buyers and sellers see of an order: the aggregate minus saga bookkeeping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from lumbung_orders.domain.order_lines import PricedLine
from lumbung_orders.domain.payments import PaymentMethod, PaymentStatus
from lumbung_orders.domain.pricing import DeliveryRequest
from lumbung_orders.domain.rejection import RejectedLine
from lumbung_orders.domain.states import OrderState
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.domain.timeline import TimelineEntry


class OrderView(BaseModel):
    """One seller's order with its history; `version` grows with every change."""

    id: str
    buyer_id: str
    seller_id: str | None
    """Null until listings reserved an order placed for a listing this service did not know
    yet; only then does the seller see the order."""
    state: OrderState
    payment_method: PaymentMethod
    payment_status: PaymentStatus
    refund_requested: bool
    lines: list[PricedLine]
    total: int | None
    """Null while a line has no price yet (set when listings reserves at its price)."""
    delivery: DeliveryRequest
    note: str | None
    placed_at: datetime
    reserved_at: datetime | None
    expires_at: datetime | None
    """When the current step lapses unanswered: while `pending`, the stock decision (then
    `rejected` / `timeout`); while `reserved`, the seller's confirmation (then `expired`)."""
    rejection_reason: str | None
    """Why listings (or the reservation deadline) refused: `insufficient`, `inactive`,
    `not_found`, `below_min_order`, `price_changed` or `timeout`."""
    rejected_line: RejectedLine | None
    """The refused line; with `price_changed`, the listing's current price to show the buyer."""
    delivery_at_risk: bool
    risk_alert_ids: list[str]
    timeline: list[TimelineEntry]
    version: int
    updated_at: datetime


class OrdersPlaced(BaseModel):
    """A checkout's answer: one pending order per seller in the cart."""

    orders: list[OrderView]


class OrderPage(BaseModel):
    """One page of orders; pass `next_cursor` back as `cursor` for the next page."""

    items: list[OrderView]
    next_cursor: str | None


def order_view(stored: StoredOrder) -> OrderView:
    order = stored.order
    return OrderView(
        id=order.order_id,
        **order.model_dump(
            exclude={"order_id", "stock_held", "reservation_seen", "payment_callback_ids"},
            mode="python",
        ),
        version=stored.version,
        updated_at=stored.updated_at,
    )


def order_json(stored: StoredOrder) -> dict[str, Any]:
    """The view as JSON-ready data (stored as the idempotent checkout answer, sent over SSE)."""
    return order_view(stored).model_dump(mode="json")
