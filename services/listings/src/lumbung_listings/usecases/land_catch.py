"""Land a trip's catch: the pre-listing becomes a normal listing of the actual quantity.

The oldest reservations that fit the catch stay reserved and follow the normal order flow; the
newest beyond it are released (`domain.landing`), and `listing.trip_landed` tells the orders service
which, in the same write as the listing's new status and stock. A phone retrying a landing that
succeeded gets the listing back unchanged; another quantity after landing is a 409.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from lumbung_shared.clock import utc_now
from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.landing import CATCH_SHORT, split_at_landing
from lumbung_listings.domain.lifecycle import Actor, Status, transition
from lumbung_listings.domain.problems import ListingNotFoundError
from lumbung_listings.domain.stock import status_for_stock
from lumbung_listings.messaging.events import trip_landed
from lumbung_listings.storage.documents import public
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository
from lumbung_listings.usecases.trip_stock import (
    BUSY,
    MAX_RACES,
    held_reservations,
    not_pre_listed,
    trip_after,
    write_trip,
)

WIB: Final = timedelta(hours=7)
"""The catch date is the landing day in Western Indonesian Time, where most landing sites are
(a dawn landing further east is the same day there too)."""


class LandCatch:
    """The trip's seller reports the actual kilograms landed."""

    def __init__(
        self,
        stock: ListingStock,
        reservations: StockReservationRepository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._stock = stock
        self._reservations = reservations
        self._clock = clock

    async def __call__(self, listing_id: str, seller: Identity, actual_quantity: int) -> Document:
        for _ in range(MAX_RACES):
            doc = await self._stock.find(listing_id)
            if doc is None or doc.get("deleted") or doc["seller_id"] != seller.subject:
                raise ListingNotFoundError  # only the trip's own fisher lands it
            if "trip" not in doc:
                raise not_pre_listed(Status(doc["status"]))
            if Status(doc["status"]) is not Status.PRE_LISTED:
                if doc["trip"].get("actual_quantity") == actual_quantity:
                    return public(doc)  # a retry of the landing that succeeded
                raise not_pre_listed(Status(doc["status"]))
            split = split_at_landing(
                await held_reservations(self._reservations, doc), actual_quantity
            )
            now = self._clock()
            remaining = actual_quantity - split.kept_quantity
            target = status_for_stock(Status.ACTIVE, remaining)
            kept = [reservation.order_id for reservation in split.kept]
            released = [reservation.order_id for reservation in split.released]
            after = trip_after(
                doc,
                now,
                status=transition(Status.PRE_LISTED, target, Actor.SYSTEM),
                quantity_available=remaining,
                kept=kept,
                released=released,
                trip={"landed_at": now, "actual_quantity": actual_quantity},
                catch_date=(now + WIB).date().isoformat(),
            )
            event = trip_landed(after, kept, released, CATCH_SHORT)
            if await write_trip(self._stock, doc, after, event):
                return public(after)
        raise BUSY
