"""Events about orders, on `lumbung.order.events`, keyed by order id.

Each state the order enters is its own event type, `order.<state>`, all sharing one shape.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class OrderLine(BaseModel):
    """One listing in an order, priced from the listing snapshot the orders service holds."""

    listing_id: str
    quantity: int = Field(ge=1)
    unit_price: int = Field(ge=0, description="Integer rupiah.")


class OrderEvent(EventPayload):
    """Common shape of every `order.<state>` event."""

    topic: ClassVar[Topic] = Topic.ORDER_EVENTS

    order_id: str
    buyer_id: str
    seller_id: str
    state: str
    previous_state: str | None = None
    lines: list[OrderLine]
    total: int = Field(ge=0)
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


class OrderAtRisk(EventPayload):
    """Sent when a sea alert threatens the delivery of a catch order, so the buyer can be told."""

    event_type: ClassVar[str] = "order.at_risk"
    topic: ClassVar[Topic] = Topic.ORDER_EVENTS

    order_id: str
    buyer_id: str
    seller_id: str
    alert_id: str
    at_risk: bool = Field(description="False when the alert has ended and the flag is cleared.")
