"""Domain events of an order → the shared wire payloads other services read.

The aggregate speaks in `OrderEvent`s; other services speak the contract in
`lumbung_shared.events`. This module is the only translation between the two:

- `order.<state>` → `OrderPlaced` … `OrderExpired` (lines with unit prices, total, actor).
- `order.paid` → `payment.confirmed`; `order.refund_requested` → `payment.refund_requested`;
  `order.refunded` → `payment.refunded` (money facts live in the payment namespace and topic).
- `order.delivery_risk_flagged` / `order.delivery_risk_cleared` → the same names on the wire.
- `order.payout_accrued` / `order.payout_reversed` → `payout.accrued` / `payout.reversed` on
  the payout topic, one per cooperative line (`data.listing_id`), from the order's ledger.
- `order.stock_release_requested` (stock was reserved for an order that had already ended, e.g.
  the buyer cancelled, or the reservation deadline passed, before `stock.reserved` arrived) →
  the same name on the wire, with the order's real state and lines.

Stock contract with the listings service: listings releases whatever it holds for an order on
`order.cancelled`, `order.declined`, `order.expired`, `order.rejected` (a reservation deadline)
and `order.stock_release_requested`, and releasing an order it holds nothing for is a no-op.
Because all of them share the order-id key with `order.placed`, listings sees them in order.

The producer name is the service's own (`settings.service_name`), given once at wiring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from lumbung_shared.events import Envelope, EventPayload, new_event
from lumbung_shared.events import orders as wire
from lumbung_shared.events import payments as wire_payments
from lumbung_shared.events import payouts as wire_payouts
from lumbung_shared.observability import correlation_id

from lumbung_orders.domain.events import OrderEvent, OrderEventName
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.payouts import REFUNDED

LATE_RESERVATION_REASON: Final = "release-late-reservation"

_STATE_EVENTS: Final[dict[OrderEventName, type[wire.OrderEvent]]] = {
    OrderEventName.PLACED: wire.OrderPlaced,
    OrderEventName.RESERVED: wire.OrderReserved,
    OrderEventName.REJECTED: wire.OrderRejected,
    OrderEventName.CONFIRMED: wire.OrderConfirmed,
    OrderEventName.DECLINED: wire.OrderDeclined,
    OrderEventName.SHIPPED: wire.OrderShipped,
    OrderEventName.DELIVERED: wire.OrderDelivered,
    OrderEventName.COMPLETED: wire.OrderCompleted,
    OrderEventName.CANCELLED: wire.OrderCancelled,
    OrderEventName.EXPIRED: wire.OrderExpired,
}


@dataclass(frozen=True)
class OrderWire:
    """Wraps an order's domain events in envelopes signed with this service's name."""

    producer: str

    def envelopes(self, order: Order, events: Sequence[OrderEvent]) -> list[Envelope[Any]]:
        """Each domain event as its wire event, keyed by the order id, ready for the outbox."""
        return [
            new_event(
                payload_for(order, event),
                producer=self.producer,
                correlation_id=correlation_id(),
                key=order.order_id,
            )
            for event in events
        ]


def payload_for(order: Order, event: OrderEvent) -> EventPayload:
    """The shared payload announcing `event` of `order`."""
    state_event = _STATE_EVENTS.get(event.name)
    if state_event is not None:
        return _order_payload(state_event, order, event)
    return _OTHER[event.name](order, event)


def _order_payload(
    model: type[wire.OrderEvent], order: Order, event: OrderEvent, **override: Any
) -> wire.OrderEvent:
    data = event.data
    fields: dict[str, Any] = {
        "order_id": order.order_id,
        "buyer_id": order.buyer_id,
        "seller_id": order.seller_id,
        "state": data.get("state", order.state.value),
        "previous_state": data.get("previous_state"),
        "lines": [
            wire.OrderLine(
                listing_id=line.listing_id,
                quantity=line.quantity,
                unit_price=line.price_per_unit,
                listing_version=line.listing_version,
            )
            for line in order.lines
        ],
        "total": order.total,
        "actor": data.get("actor", "buyer" if event.name is OrderEventName.PLACED else "system"),
        "reason": data.get("reason"),
    }
    return model(**(fields | override))


def _late_release(order: Order, event: OrderEvent) -> EventPayload:
    return _order_payload(
        wire.OrderStockReleaseRequested, order, event, reason=LATE_RESERVATION_REASON
    )


def _payment(model: type[wire_payments.PaymentEvent]) -> Callable[[Order, OrderEvent], Any]:
    def build(order: Order, event: OrderEvent) -> EventPayload:
        del event
        if order.total is None:  # `Order.confirm_payment` refuses an order not priced yet
            raise ValueError(f"order {order.order_id} has no total to pay")
        return model(
            order_id=order.order_id,
            buyer_id=order.buyer_id,
            method=order.payment_method.value,
            amount=order.total,
        )

    return build


def _risk(
    model: type[wire.DeliveryRiskEvent],
) -> Callable[[Order, OrderEvent], EventPayload]:
    def build(order: Order, event: OrderEvent) -> EventPayload:
        if order.seller_id is None:  # only a catch line's origin flags, known with its seller
            raise ValueError(f"order {order.order_id} has no seller to flag at risk")
        return model(
            order_id=order.order_id,
            buyer_id=order.buyer_id,
            seller_id=order.seller_id,
            alert_id=str(event.data["alert_id"]),
        )

    return build


def _payout(model: type[wire_payouts.PayoutEvent]) -> Callable[[Order, OrderEvent], EventPayload]:
    def build(order: Order, event: OrderEvent) -> EventPayload:
        listing_id = event.data.get("listing_id")
        payout = next((p for p in order.payouts if p.listing_id == listing_id), None)
        if payout is None:  # the order records the payout in the write that emits the event
            raise ValueError(f"order {order.order_id} has no payout for listing {listing_id}")
        reversal = issubclass(model, wire_payouts.PayoutReversed)
        reason = {"reason": payout.reversal_reason or REFUNDED} if reversal else {}
        return model(
            order_id=order.order_id,
            aggregator_id=payout.aggregator_id,
            listing_id=payout.listing_id,
            total=payout.total,
            fee=payout.fee,
            shares=[
                wire_payouts.PayoutShare(
                    member_id=share.member_id, quantity=share.quantity, amount=share.amount
                )
                for share in payout.shares
            ],
            **reason,
        )

    return build


_OTHER: Final[dict[OrderEventName, Callable[[Order, OrderEvent], EventPayload]]] = {
    OrderEventName.STOCK_RELEASE_REQUESTED: _late_release,
    OrderEventName.PAID: _payment(wire_payments.PaymentConfirmed),
    OrderEventName.REFUND_REQUESTED: _payment(wire_payments.PaymentRefundRequested),
    OrderEventName.REFUNDED: _payment(wire_payments.PaymentRefunded),
    OrderEventName.DELIVERY_RISK_FLAGGED: _risk(wire.OrderDeliveryRiskFlagged),
    OrderEventName.DELIVERY_RISK_CLEARED: _risk(wire.OrderDeliveryRiskCleared),
    OrderEventName.PAYOUT_ACCRUED: _payout(wire_payouts.PayoutAccrued),
    OrderEventName.PAYOUT_REVERSED: _payout(wire_payouts.PayoutReversed),
}
