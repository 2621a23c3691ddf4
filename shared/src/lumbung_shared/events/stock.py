"""The listings service's answers to orders, on `lumbung.stock.events`, keyed by order id."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic

RejectReason = Literal["insufficient", "inactive", "unknown_listing", "below_min_order"]


class StockLine(BaseModel):
    """Units of one listing held (or freed) for an order."""

    listing_id: str
    quantity: int = Field(ge=1)
    remaining: int = Field(ge=0, description="Stock left on the listing after this change.")


class StockEvent(EventPayload):
    topic: ClassVar[Topic] = Topic.STOCK_EVENTS

    order_id: str


class StockReserved(StockEvent):
    """Sent when every line of an order is held; the order may go to `reserved`."""

    event_type: ClassVar[str] = "stock.reserved"

    lines: list[StockLine]


class StockRejected(StockEvent):
    """Sent when an order cannot be held; nothing stays reserved for it."""

    event_type: ClassVar[str] = "stock.rejected"

    reason: RejectReason
    listing_id: str | None = None


class StockReleased(StockEvent):
    """Sent when units held for an order go back on sale (declined, cancelled, expired)."""

    event_type: ClassVar[str] = "stock.released"

    lines: list[StockLine]
