"""The listings service's answers to orders, on `lumbung.stock.events`, keyed by order id."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic

RejectReason = Literal[
    "insufficient", "inactive", "not_found", "below_min_order", "price_changed", "unknown_listing"
]
"""Why listings refused an order. `unknown_listing` is what v1 said for `not_found`: no longer
sent, still read so v1 events on the topic decode."""


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
    """Sent when an order cannot be held; nothing stays reserved for it.

    v2: `not_found` replaces `unknown_listing` (also for a listing the buyer may not see), and
    `price_changed` (with `current_price`) says the listing's price is no longer the one the
    buyer saw, so the buyer can be asked again; nothing is ever reserved at the old price.
    """

    event_type: ClassVar[str] = "stock.rejected"
    schema_version: ClassVar[int] = 2

    reason: RejectReason
    listing_id: str | None = None
    current_price: int | None = Field(
        default=None, ge=0, description="With `price_changed`: the listing's price now (rupiah)."
    )


class StockReleased(StockEvent):
    """Sent when units held for an order go back on sale (declined, cancelled, expired)."""

    event_type: ClassVar[str] = "stock.released"

    lines: list[StockLine]
