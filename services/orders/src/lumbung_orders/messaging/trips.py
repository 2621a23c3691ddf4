"""A trip's end → its orders (`listing.trip_called_off`, `listing.trip_landed`, on the listing
topic).

Thin: each handler hands the payload to `usecases.trip_orders`, which is idempotent per order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.trips import TripCalledOff, TripLanded
from lumbung_shared.inbox import self_idempotent
from lumbung_shared.kafka import EventHandler

from lumbung_orders.usecases.trip_orders import TripOrders


def trip_handlers(orders: TripOrders) -> Mapping[str, EventHandler]:
    """Handlers by event type for the `trips` consumer group."""

    async def on_called_off(event: Envelope[Any]) -> None:
        trip: TripCalledOff = event.payload
        await orders.called_off(trip.listing_id, trip.order_ids, trip.reason)

    async def on_landed(event: Envelope[Any]) -> None:
        trip: TripLanded = event.payload
        await orders.landed(
            trip.listing_id,
            trip.kept_order_ids,
            trip.released_order_ids,
            trip.reason,
            trip.landed_at,
        )

    return self_idempotent(
        {TripCalledOff.event_type: on_called_off, TripLanded.event_type: on_landed}
    )
