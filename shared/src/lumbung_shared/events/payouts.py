"""What a cooperative owes its members for an order, on `lumbung.payout.events`, keyed by order.

Sent by orders when an order of an aggregator's listing completes (`payout.accrued`) and when
its money goes back to the buyer (`payout.reversed`). The shares and the fee always sum to the
line totals exactly, in integer rupiah.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class PayoutShare(BaseModel):
    """One member's money from one order."""

    member_id: str = Field(max_length=64)
    quantity: int = Field(ge=1, description="Units of the member's stock sold in the order.")
    amount: int = Field(ge=0, description="Integer rupiah owed to the member.")


class PayoutEvent(EventPayload):
    topic: ClassVar[Topic] = Topic.PAYOUT_EVENTS

    order_id: str
    aggregator_id: str = Field(max_length=64)
    listing_id: str
    total: int = Field(ge=0, description="The order's amount for these lines (rupiah).")
    fee: int = Field(ge=0, description="The aggregator's fee (rupiah).")
    shares: list[PayoutShare] = Field(max_length=500)


class PayoutAccrued(PayoutEvent):
    """Sent when an order of an aggregator's listing completes: each member is owed a share."""

    event_type: ClassVar[str] = "payout.accrued"


class PayoutReversed(PayoutEvent):
    """Sent when such an order is refunded: what `payout.accrued` recorded is owed no more."""

    event_type: ClassVar[str] = "payout.reversed"

    reason: str = Field(max_length=64)
