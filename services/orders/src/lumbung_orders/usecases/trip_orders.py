"""The orders on a trip's pre-listing, when the trip is called off or its catch lands.

Listings has already released the reservations it names (one write of the listing); here each
released order is cancelled with the reason, so the buyer is told on the order and its live
stream, and each kept pre-order learns that its catch landed. Every order is its own guarded
change (`OrderChanges`), idempotent on the order's state, so a redelivered event changes
nothing; an order this service does not hold is logged and skipped, not the whole event.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import partial

from lumbung_shared.errors import NotFoundError

from lumbung_orders.domain.trip_outcomes import catch_landed, release_for_trip
from lumbung_orders.usecases.order_changes import Decision, OrderChanges

log = logging.getLogger(__name__)


class TripOrders:
    """Applies `listing.trip_called_off` and `listing.trip_landed` to the orders they name."""

    def __init__(self, changes: OrderChanges, confirm_within: timedelta) -> None:
        self._changes = changes
        self._confirm_within = confirm_within

    async def called_off(self, listing_id: str, order_ids: Iterable[str], reason: str) -> None:
        """Every order of the called-off trip ends cancelled with `reason`."""
        for order_id in order_ids:
            now = datetime.now(UTC)
            await self._change(
                order_id, partial(release_for_trip, listing_id=listing_id, reason=reason, at=now)
            )

    async def landed(
        self,
        listing_id: str,
        kept: Iterable[str],
        released: Iterable[str],
        reason: str,
        landed_at: datetime,
    ) -> None:
        """Released orders end cancelled with `reason`; kept pre-orders may be confirmed now."""
        await self.called_off(listing_id, released, reason)
        for order_id in kept:
            landed = partial(
                catch_landed,
                listing_id=listing_id,
                at=landed_at,
                confirm_within=self._confirm_within,
            )
            await self._change(order_id, landed)

    async def _change(self, order_id: str, decide: Decision) -> None:
        try:
            await self._changes.change(order_id, decide)
        except NotFoundError:
            log.warning("a trip names an order not held here", extra={"order_id": order_id})
