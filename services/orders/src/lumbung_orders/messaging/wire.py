"""Domain events of an order → the shared wire payloads other services read.

The aggregate speaks in `OrderEvent`s; other services speak the contract in
`lumbung_shared.events`. This module is the only translation between the two:

- `order.<state>` → `OrderPlaced` … `OrderExpired` (lines with unit prices, total, actor).
- `order.paid` → `payment.confirmed`; `payment.refund_requested` → `PaymentRefundRequested`;
  `order.refunded` → `payment.refunded`.
- `order.delivery_at_risk` / `order.delivery_risk_cleared` → `order.at_risk` (at_risk true/false).
- `order.stock_release_requested` (stock was reserved for an order that had already ended,
  e.g. the buyer cancelled before `stock.reserved` arrived) → `order.cancelled` again, naming
  the order's real state and reason `release-late-reservation`.

Stock contract with the listings service: listings releases whatever it holds for an order on
`order.cancelled`, `order.declined` and `order.expired`, and releasing an order it holds
nothing for is a no-op. Because `order.placed` and `order.cancelled` share the order-id key,
listings always sees them in order, so a cancel normally releases by itself; the repeated
`order.cancelled` is the safety net for a reservation the orders service learns of late.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from lumbung_shared.events import Envelope, EventPayload, new_event
from lumbung_shared.events import orders as wire
from lumbung_shared.events import payments as wire_payments
from lumbung_shared.observability import correlation_id

from lumbung_orders.domain.events import OrderEvent, OrderEventName
from lumbung_orders.domain.order import Order

PRODUCER: Final = "orders"
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


def envelopes(order: Order, events: Sequence[OrderEvent]) -> list[Envelope[Any]]:
    """Wrap each domain event as its wire event, keyed by the order id, ready for the outbox."""
    return [
        new_event(
            payload_for(order, event),
            producer=PRODUCER,
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
                listing_id=line.listing_id, quantity=line.quantity, unit_price=line.price_per_unit
            )
            for line in order.lines
        ],
        "total": order.total,
        "actor": data.get("actor", "buyer" if event.name is OrderEventName.PLACED else "system"),
        "reason": data.get("reason"),
    }
    return model(**(fields | override))


def _late_release(order: Order, event: OrderEvent) -> EventPayload:
    return _order_payload(wire.OrderCancelled, order, event, reason=LATE_RESERVATION_REASON)


def _payment(model: type[wire_payments.PaymentEvent]) -> Callable[[Order, OrderEvent], Any]:
    def build(order: Order, event: OrderEvent) -> EventPayload:
        del event
        return model(
            order_id=order.order_id,
            buyer_id=order.buyer_id,
            method=order.payment_method.value,
            amount=order.total,
        )

    return build


def _risk(at_risk: bool) -> Callable[[Order, OrderEvent], EventPayload]:
    def build(order: Order, event: OrderEvent) -> EventPayload:
        return wire.OrderAtRisk(
            order_id=order.order_id,
            buyer_id=order.buyer_id,
            seller_id=order.seller_id,
            alert_id=str(event.data["alert_id"]),
            at_risk=at_risk,
        )

    return build


_OTHER: Final[dict[OrderEventName, Callable[[Order, OrderEvent], EventPayload]]] = {
    OrderEventName.STOCK_RELEASE_REQUESTED: _late_release,
    OrderEventName.PAID: _payment(wire_payments.PaymentConfirmed),
    OrderEventName.REFUND_REQUESTED: _payment(wire_payments.PaymentRefundRequested),
    OrderEventName.REFUNDED: _payment(wire_payments.PaymentRefunded),
    OrderEventName.DELIVERY_AT_RISK: _risk(True),
    OrderEventName.DELIVERY_RISK_CLEARED: _risk(False),
}
