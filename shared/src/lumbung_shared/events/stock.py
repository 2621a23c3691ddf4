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


class MemberShare(BaseModel):
    """Units of a cooperative's listing that came from one member's contribution."""

    member_id: str = Field(max_length=64)
    quantity: int = Field(ge=1)


class StockLine(BaseModel):
    """Units of one listing held (or freed) for an order."""

    listing_id: str
    quantity: int = Field(ge=1)
    remaining: int = Field(ge=0, description="Stock left on the listing after this change.")
    shares: list[MemberShare] = Field(
        default_factory=list,
        max_length=500,
        description="On an aggregator's listing: whose stock the units are (first contributed, "
        "first sold), summing to `quantity`; empty on a producer's own listing.",
    )


class HeldListing(BaseModel):
    """What an order needs of a listing stock was held on, as of that moment.

    An order placed before the orders service knew its listing has no seller, title, unit or
    price yet; `stock.reserved` carries them so the order can be completed.
    """

    listing_id: str
    seller_id: str
    unit_price: int = Field(ge=0, description="The price the units were reserved at (rupiah).")
    listing_version: int = Field(ge=0)
    title: str
    unit: str
    kind: str
    origin_region: str


class StockEvent(EventPayload):
    topic: ClassVar[Topic] = Topic.STOCK_EVENTS

    order_id: str


class StockReserved(StockEvent):
    """Sent when every line of an order is held; the order may go to `reserved`.

    `listings` (added, optional: a reply without it still decodes) describes each listing held,
    so the orders service can complete an order placed before it knew the listing.
    """

    event_type: ClassVar[str] = "stock.reserved"

    lines: list[StockLine]
    listings: list[HeldListing] = Field(default_factory=list)


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
