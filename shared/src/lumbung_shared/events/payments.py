"""Payment facts about orders, on `lumbung.payment.events`, keyed by order id."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class PaymentEvent(EventPayload):
    topic: ClassVar[Topic] = Topic.PAYMENT_EVENTS

    order_id: str
    buyer_id: str
    method: str = Field(description="cod, bank_transfer or ewallet")
    amount: int = Field(ge=0, description="Integer rupiah.")


class PaymentConfirmed(PaymentEvent):
    """Sent when an order's payment is confirmed (COD on delivery, or by admin/provider)."""

    event_type: ClassVar[str] = "payment.confirmed"


class PaymentRefundRequested(PaymentEvent):
    """Sent when a paid order is cancelled or declined and the buyer is owed a refund."""

    event_type: ClassVar[str] = "payment.refund_requested"


class PaymentRefunded(PaymentEvent):
    """Sent when a refund asked for by `payment.refund_requested` was made (admin or provider)."""

    event_type: ClassVar[str] = "payment.refunded"
