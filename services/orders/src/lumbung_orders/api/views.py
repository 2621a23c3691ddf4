"""What buyers and sellers see of an order: the aggregate minus saga bookkeeping."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from lumbung_orders.domain.delivery import DeliveryRequest
from lumbung_orders.domain.order_lines import PricedLine
from lumbung_orders.domain.payments import PaymentMethod, PaymentStatus
from lumbung_orders.domain.pre_orders import PreOrder, cancellation_notice
from lumbung_orders.domain.rejection import RejectedLine
from lumbung_orders.domain.states import OrderState
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.domain.timeline import TimelineEntry

EXAMPLE_ORDER: Final[dict[str, Any]] = {
    "id": "01JDQ4A2C4E6G8J0K2M4N6P8Q0",
    "buyer_id": "01JDQ2B1W3Y5Z7A9C1E3G5J7K9",
    "seller_id": "01JDQ1F0H2K4M6P8R0T2V4X6Z8",
    "state": "reserved",
    "payment_method": "bank_transfer",
    "payment_status": "unpaid",
    "refund_requested": False,
    "lines": [
        {
            "listing_id": "01JDQ3Z8V7K9M2X4B6N8P0R2T4",
            "listing_version": 3,
            "title": "Bawang merah Amuntai",
            "kind": "produce",
            "unit": "kg",
            "origin_region": "63.08",
            "quantity": 30,
            "price_per_unit": 38000,
            "line_total": 1140000,
        }
    ],
    "total": 1140000,
    "delivery": {"method": "courier", "region_code": "63.08.01", "address": "Jl. Amuntai No. 7"},
    "note": None,
    "placed_at": "2026-12-02T06:00:00Z",
    "reserved_at": "2026-12-02T06:00:01Z",
    "expires_at": "2026-12-03T06:00:01Z",
    "rejection_reason": None,
    "rejected_line": None,
    "delivery_at_risk": False,
    "risk_alert_ids": [],
    "pre_order": None,
    "cancellation_notice": None,
    "timeline": [
        {"state": "pending", "actor": "buyer", "actor_id": None, "at": "2026-12-02T06:00:00Z"},
        {"state": "reserved", "actor": "system", "actor_id": None, "at": "2026-12-02T06:00:01Z"},
    ],
    "version": 2,
    "updated_at": "2026-12-02T06:00:01Z",
}


class Notice(BaseModel):
    """A sentence for the buyer in Indonesian (`id`) and English (`en`)."""

    id: str
    en: str


class OrderView(BaseModel):
    """One seller's order with its history; `version` grows with every change."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_ORDER]})

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
    pre_order: PreOrder | None
    """Set on an order of a trip's expected catch (cash on delivery; confirmable once landed)."""
    cancellation_notice: Notice | None = None
    """Why the marketplace cancelled the order for its trip (`trip_called_off`, `catch_short`)."""
    timeline: list[TimelineEntry]
    version: int
    updated_at: datetime


class OrdersPlaced(BaseModel):
    """A checkout's answer: one pending order per seller in the cart."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"orders": [EXAMPLE_ORDER | {"state": "pending"}]}]}
    )

    orders: list[OrderView]


class OrderPage(BaseModel):
    """One page of orders; pass `next_cursor` back as `cursor` for the next page."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [EXAMPLE_ORDER], "next_cursor": "eyJmIjoicGxhY2VkX2F0In0"}]
        }
    )

    items: list[OrderView]
    next_cursor: str | None


_NOT_SHOWN: Final[Any] = {
    "order_id": True,
    "stock_held": True,
    "reservation_seen": True,
    "payment_callback_ids": True,
    "payouts": True,
    "lines": {"__all__": {"shares"}},
}
"""Saga bookkeeping, and members' shares and money: a member's are theirs (`/v1/payouts`)."""


def order_view(stored: StoredOrder) -> OrderView:
    order = stored.order
    return OrderView(
        id=order.order_id,
        **order.model_dump(exclude=_NOT_SHOWN, mode="python"),
        cancellation_notice=_notice(stored),
        version=stored.version,
        updated_at=stored.updated_at,
    )


def _notice(stored: StoredOrder) -> Notice | None:
    order = stored.order
    if order.state is not OrderState.CANCELLED or not order.timeline:
        return None
    notice = cancellation_notice(order.timeline[-1].reason)
    return None if notice is None else Notice(id=notice.id, en=notice.en)


def order_json(stored: StoredOrder) -> dict[str, Any]:
    """The view as JSON-ready data (stored as the idempotent checkout answer, sent over SSE)."""
    return order_view(stored).model_dump(mode="json")
