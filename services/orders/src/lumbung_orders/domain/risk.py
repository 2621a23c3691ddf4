"""Which orders a sea alert puts at risk, so buyers learn early that fish may not come.

When waves are dangerous for fishing boats, fishers in the alert's coastal regencies stay
ashore. Catch ordered from those regencies may then not be delivered, so open catch orders
(still `pending` or `reserved`, i.e. before the seller committed) are flagged
`delivery_at_risk`; the flag clears when the alert is cancelled. Farm produce is unaffected.
An order can be threatened by several overlapping alerts, so the order remembers which ones.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Final

from lumbung_orders.domain.events import OrderEvent, OrderEventName
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.order_lines import ListingKind
from lumbung_orders.domain.states import OrderState

RISK_STATES: Final = frozenset({OrderState.PENDING, OrderState.RESERVED})
"""Orders the seller has not yet committed to; later ones are already on their way or done."""


def regency_of(region_code: str) -> str | None:
    """The regency (`NN.NN`) a Kemendagri code lies in; None for a bare province code."""
    parts = region_code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


def is_at_risk(order: Order, alert_regencies: Collection[str]) -> bool:
    """True for an open order with a catch line whose origin regency is under the alert."""
    if order.state not in RISK_STATES:
        return False
    return any(
        line.kind is ListingKind.CATCH
        and line.origin_region is not None
        and regency_of(line.origin_region) in alert_regencies
        for line in order.lines
    )


def flag_orders(
    orders: Iterable[Order], alert_id: str, alert_regencies: Collection[str], at: datetime
) -> list[OrderEvent]:
    """Flag every order at risk from the alert; returns the events of orders newly flagged."""
    regencies = {code for code in map(regency_of, alert_regencies) if code is not None}
    events: list[OrderEvent] = []
    for order in orders:
        if is_at_risk(order, regencies):
            events += flag_delivery_risk(order, alert_id, at)
    return events


def clear_orders(orders: Iterable[Order], alert_id: str, at: datetime) -> list[OrderEvent]:
    """Take a cancelled or expired alert off every order; returns events of orders now clear."""
    events: list[OrderEvent] = []
    for order in orders:
        events += clear_delivery_risk(order, alert_id, at)
    return events


def flag_delivery_risk(order: Order, alert_id: str, at: datetime) -> list[OrderEvent]:
    """Record that `alert_id` threatens this catch order; emit only when the flag turns on."""
    if alert_id in order.risk_alert_ids:
        return []
    order.risk_alert_ids.append(alert_id)
    if order.delivery_at_risk:
        return []
    order.delivery_at_risk = True
    return [order.event(OrderEventName.DELIVERY_RISK_FLAGGED, at, alert_id=alert_id)]


def clear_delivery_risk(order: Order, alert_id: str, at: datetime) -> list[OrderEvent]:
    """Forget `alert_id`; the flag clears once no alert still threatens the order."""
    if alert_id not in order.risk_alert_ids:
        return []
    order.risk_alert_ids.remove(alert_id)
    if order.risk_alert_ids:
        return []
    order.delivery_at_risk = False
    return [order.event(OrderEventName.DELIVERY_RISK_CLEARED, at, alert_id=alert_id)]
