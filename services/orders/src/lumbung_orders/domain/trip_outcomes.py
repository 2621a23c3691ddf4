"""What a trip's end does to the orders on its pre-listing.

Listings names the orders (`listing.trip_called_off`, `listing.trip_landed`); each is changed
only if it really has a line of that listing, so an event can never touch another seller's
order. Both are idempotent: an order already ended, or already told of the landing, stays as
it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.expiry import expires_at
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pre_orders import PreOrder
from lumbung_orders.domain.states import Actor, OrderState

RELEASABLE: Final = frozenset({OrderState.PENDING, OrderState.RESERVED, OrderState.CONFIRMED})
"""States an order still holds (or waits for) its reservation in, before it ships."""


def _orders_listing(order: Order, listing_id: str) -> bool:
    return any(line.listing_id == listing_id for line in order.lines)


def release_for_trip(order: Order, listing_id: str, reason: str, at: datetime) -> list[OrderEvent]:
    """Cancel the order whose reservation the trip released (`trip_called_off`, `catch_short`).

    Listings has already given its kilograms back; the `order.cancelled` this emits releases
    nothing twice there. The buyer reads the reason on the order (`pre_orders`).
    """
    if not _orders_listing(order, listing_id) or order.state not in RELEASABLE:
        return []
    return order.cancel(Actor.SYSTEM, None, at, reason)


def catch_landed(
    order: Order, listing_id: str, at: datetime, confirm_within: timedelta
) -> list[OrderEvent]:
    """The pre-order kept its reservation at landing: it may be confirmed now, and the seller's
    confirm deadline starts (a reservation still on its way gets it when it arrives)."""
    if not _orders_listing(order, listing_id) or order.pre_order is None:
        return []
    if order.pre_order.landed:
        return []
    order.pre_order = PreOrder(landed=True)
    if order.state is OrderState.RESERVED:
        order.expires_at = expires_at(at, confirm_within)
    return []
