"""Events about orders, on `lumbung.order.events`, keyed by order id.

Each state the order enters is its own event type, `order.<state>`, all sharing one shape.
v2: an order may be placed before its seller is known (a listing the orders service had no copy
of yet): `seller_id` is then null, and a line's `unit_price` is null when the buyer was shown no
price (listings reserves at its current price), and so is `total`. `stock.reserved` fills them in.

Three more say what happened to an order without a state change: `order.stock_release_requested`
(give back stock reserved for an order that had already ended), and
`order.delivery_risk_flagged` / `order.delivery_risk_cleared` (a sea alert threatens, or no
longer threatens, a catch order's delivery).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class OrderLine(BaseModel):
    """One listing in an order at the price the buyer saw; listings reserves only at that price."""

    listing_id: str
    quantity: int = Field(ge=1)
    unit_price: int | None = Field(
        ge=0,
        description="Integer rupiah, as the buyer saw it; null when the buyer was shown none "
        "(a listing the orders service did not know yet): listings reserves at its price then.",
    )
    listing_version: int | None = Field(
        default=None, ge=0, description="The listing version that price was read from."
    )


class OrderEvent(EventPayload):
    """Common shape of every `order.<state>` event."""

    topic: ClassVar[Topic] = Topic.ORDER_EVENTS
    schema_version: ClassVar[int] = 2

    order_id: str
    buyer_id: str
    seller_id: str | None = Field(
        description="Null until the seller is known: listings reserves such an order on the "
        "listing's own seller and names it in `stock.reserved`."
    )
    state: str
    previous_state: str | None = None
    lines: list[OrderLine]
    total: int | None = Field(ge=0, description="Null while a line's price is not known yet.")
    actor: str = Field(description="buyer, seller, admin, courier or system")
    reason: str | None = None


class OrderPlaced(OrderEvent):
    """Sent when a buyer places an order; listings answers with stock events."""

    event_type: ClassVar[str] = "order.placed"


class OrderReserved(OrderEvent):
    """Sent when the stock is held and the order waits for the seller."""

    event_type: ClassVar[str] = "order.reserved"


class OrderRejected(OrderEvent):
    """Sent when stock could not be held; `reason` says why."""

    event_type: ClassVar[str] = "order.rejected"


class OrderConfirmed(OrderEvent):
    """Sent when the seller accepts the order."""

    event_type: ClassVar[str] = "order.confirmed"


class OrderDeclined(OrderEvent):
    """Sent when the seller refuses the order; its stock is released."""

    event_type: ClassVar[str] = "order.declined"


class OrderShipped(OrderEvent):
    """Sent when the seller hands the goods over for delivery."""

    event_type: ClassVar[str] = "order.shipped"


class OrderDelivered(OrderEvent):
    """Sent when the buyer (or courier) confirms delivery."""

    event_type: ClassVar[str] = "order.delivered"


class OrderCompleted(OrderEvent):
    """Sent when an order is delivered and paid."""

    event_type: ClassVar[str] = "order.completed"


class OrderCancelled(OrderEvent):
    """Sent when the buyer or an admin cancels before shipping; stock is released."""

    event_type: ClassVar[str] = "order.cancelled"


class OrderExpired(OrderEvent):
    """Sent when the seller did not confirm in time; stock is released."""

    event_type: ClassVar[str] = "order.expired"


class OrderStockReleaseRequested(OrderEvent):
    """Sent when stock was reserved for an order that had already ended (a late `stock.reserved`,
    e.g. after the buyer cancelled or the reservation deadline passed): listings gives it back.
    `state` is the order's real state, which this event does not change."""

    event_type: ClassVar[str] = "order.stock_release_requested"


class DeliveryRiskEvent(EventPayload):
    """Common shape of the two delivery-risk events."""

    topic: ClassVar[Topic] = Topic.ORDER_EVENTS

    order_id: str
    buyer_id: str
    seller_id: str
    alert_id: str


class OrderDeliveryRiskFlagged(DeliveryRiskEvent):
    """Sent when a sea alert starts threatening the delivery of a catch order."""

    event_type: ClassVar[str] = "order.delivery_risk_flagged"


class OrderDeliveryRiskCleared(DeliveryRiskEvent):
    """Sent when no sea alert threatens the order's delivery any more (`alert_id`: the last)."""

    event_type: ClassVar[str] = "order.delivery_risk_cleared"


class OrderAtRisk(EventPayload):
    """Sent when a sea alert flagged or cleared a catch order, until replaced by
    `order.delivery_risk_flagged` / `order.delivery_risk_cleared`. Retired (no longer sent);
    still registered so events already on the topic decode instead of dead-lettering."""

    event_type: ClassVar[str] = "order.at_risk"
    topic: ClassVar[Topic] = Topic.ORDER_EVENTS

    order_id: str
    buyer_id: str
    seller_id: str
    alert_id: str
    at_risk: bool = Field(description="False when the alert has ended and the flag is cleared.")
