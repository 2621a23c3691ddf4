"""What the `Order` aggregate tells the world, as plain values.

The aggregate returns these from every change; the messaging layer stores them in the order
document's outbox in the same write and later wraps each in the shared Kafka envelope. Keeping
them free of envelope concerns (ids, versions, topics) lets the domain stay pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from lumbung_orders.domain.states import OrderState


class OrderEventName(StrEnum):
    """Every event the orders domain emits, named `order.<past tense>`.

    All are about the order; `messaging.wire` decides which wire event carries each (the money
    ones travel as `payment.*` on the payment topic, a cooperative's as `payout.*`; their
    `data` names the line's `listing_id`).
    """

    PLACED = "order.placed"
    RESERVED = "order.reserved"
    REJECTED = "order.rejected"
    CONFIRMED = "order.confirmed"
    DECLINED = "order.declined"
    SHIPPED = "order.shipped"
    DELIVERED = "order.delivered"
    COMPLETED = "order.completed"
    CANCELLED = "order.cancelled"
    EXPIRED = "order.expired"
    PAID = "order.paid"
    REFUNDED = "order.refunded"
    STOCK_RELEASE_REQUESTED = "order.stock_release_requested"
    REFUND_REQUESTED = "order.refund_requested"
    DELIVERY_RISK_FLAGGED = "order.delivery_risk_flagged"
    DELIVERY_RISK_CLEARED = "order.delivery_risk_cleared"
    PAYOUT_ACCRUED = "order.payout_accrued"
    PAYOUT_REVERSED = "order.payout_reversed"


def event_for_state(state: OrderState) -> OrderEventName:
    """The event announcing that an order entered `state` (`order.<state>`)."""
    return OrderEventName(f"order.{state.value}")


@dataclass(frozen=True)
class OrderEvent:
    """One thing that happened to an order; `data` holds JSON-ready values only."""

    name: OrderEventName
    order_id: str
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


class SagaOutcome(StrEnum):
    """What a stock reply did to the order, so the handler knows what else to do.

    `release` means stock was reserved for an order that no longer wants it (for example the
    buyer cancelled before `stock.reserved` arrived): the order keeps its state and the returned
    `order.stock_release_requested` event gives the stock back.
    """

    APPLIED = "applied"
    IGNORED = "ignored"
    RELEASE = "release"


@dataclass(frozen=True)
class SagaReply:
    """The outcome of a stock reply and the events to emit for it."""

    outcome: SagaOutcome
    events: list[OrderEvent] = field(default_factory=list)
