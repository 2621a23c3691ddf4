"""Events about listings, on `lumbung.listing.events`, keyed by listing id.

`listing.created` and `listing.updated` carry the whole public snapshot (state transfer), so a
consumer can keep a read model without ever calling the listings service.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class AggregatorTerms(BaseModel):
    """Who sells a listing for its producers, and the fee it takes, declared up front."""

    aggregator_id: str = Field(max_length=64)
    fee_basis_points: int = Field(ge=0, le=5000, description="Fee in 1/100 %: 250 is 2.5 %.")
    pooled: bool = Field(description="Stock contributed by several members (else one member's).")


class ListingSnapshot(EventPayload):
    """The public state of a listing at `version`."""

    topic: ClassVar[Topic] = Topic.LISTING_EVENTS

    listing_id: str
    seller_id: str
    kind: str = Field(description="produce, catch or processed")
    commodity: str
    title: str
    unit: str
    price_per_unit: int = Field(ge=0, description="Integer rupiah.")
    quantity_available: int = Field(ge=0)
    min_order: int = Field(ge=1, default=1)
    status: str
    origin_region: str
    best_before: date | None = None
    version: int = Field(ge=1)
    aggregator: AggregatorTerms | None = Field(
        default=None, description="Set when a cooperative or collector sells for its members."
    )


class ListingCreated(ListingSnapshot):
    """Sent when a seller creates a listing."""

    event_type: ClassVar[str] = "listing.created"


class ListingUpdated(ListingSnapshot):
    """Sent when a listing's fields, price or stock change."""

    event_type: ClassVar[str] = "listing.updated"


class ListingStatusChanged(EventPayload):
    """Sent when a listing moves between draft, active, paused, sold_out and archived."""

    event_type: ClassVar[str] = "listing.status_changed"
    topic: ClassVar[Topic] = Topic.LISTING_EVENTS

    listing_id: str
    seller_id: str
    previous_status: str
    status: str
    version: int = Field(ge=1)


class ListingDeleted(EventPayload):
    """Sent when a listing is deleted; consumers drop it from their read models."""

    event_type: ClassVar[str] = "listing.deleted"
    topic: ClassVar[Topic] = Topic.LISTING_EVENTS

    listing_id: str
    seller_id: str
    version: int = Field(ge=1)
