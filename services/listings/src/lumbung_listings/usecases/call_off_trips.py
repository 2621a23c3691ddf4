"""Call trips off when a danger alert for their vessel class covers the zone they fish.

Each trip is called off in one write of its listing: status `called_off`, every reservation
released (its kilograms back on the listing, its marker gone) and `listing.trip_called_off`
naming the orders, on which the orders service cancels them. A redelivered alert finds the
trips called off already and changes nothing; a late copy of an alert that was cancelled calls
nothing off. A trip that never lands is called off the same way by a sweep (`trip_not_landed`).
The alerts are also remembered per zone (`ZoneDangers`), so a trip announced into
a zone already under danger is refused (`CreateTrip`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta

from lumbung_shared.clock import utc_now
from lumbung_shared.identity import Identity
from lumbung_shared.kafka import TransientError
from lumbung_shared.mongo import Document

from lumbung_listings.domain.lifecycle import Actor, Status, transition
from lumbung_listings.domain.problems import ListingNotFoundError
from lumbung_listings.domain.trip import (
    DANGER,
    TRIP_CALLED_OFF,
    TRIP_CANCELLED,
    TRIP_NOT_LANDED,
    calls_off,
)
from lumbung_listings.messaging.events import trip_called_off
from lumbung_listings.storage.documents import public
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository
from lumbung_listings.storage.trips import PreListedTrips, ZoneDangers
from lumbung_listings.usecases.trip_stock import (
    MAX_RACES,
    held_reservations,
    not_pre_listed,
    trip_after,
    write_trip,
)


class CallOffTrips:
    """Keeps trips at sea in step with the sea alerts: danger for their boat calls them off."""

    def __init__(
        self,
        trips: PreListedTrips,
        dangers: ZoneDangers,
        stock: ListingStock,
        reservations: StockReservationRepository,
        *,
        overdue_after: timedelta = timedelta(hours=24),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._overdue_after = overdue_after
        self._trips = trips
        self._dangers = dangers
        self._stock = stock
        self._reservations = reservations
        self._clock = clock

    async def alert_in_force(
        self,
        alert_id: str,
        zone_id: str,
        vessel_risks: Mapping[str, str],
        expires: datetime,
        replaces: Iterable[str] = (),
    ) -> int:
        """An alert is issued or updated: call off the zone's trips it endangers; how many."""
        await self._dangers.end(earlier for earlier in replaces if earlier != alert_id)
        classes = [vessel for vessel, risk in vessel_risks.items() if risk == DANGER]
        in_force = await self._dangers.record(alert_id, zone_id, classes, expires)
        if not in_force or not classes or expires <= self._clock():
            return 0  # a late copy of an ended alert, nothing in danger, or a lapsed alert
        called = 0
        for listing_id, vessel_class in await self._trips.in_zone(zone_id):
            if calls_off(vessel_class, vessel_risks) and await self.call_off(listing_id, alert_id):
                called += 1
        return called

    async def alerts_ended(self, alert_ids: Iterable[str]) -> None:
        """Alerts are cancelled: new trips may sail again (called-off trips stay called off)."""
        await self._dangers.end(alert_ids)

    async def sweep_overdue(self) -> int:
        """Call off trips still not landed `overdue_after` past their expected landing, so their
        buyers are not left waiting for a catch that never came; returns how many."""
        called = 0
        for listing_id in await self._trips.overdue(self._clock() - self._overdue_after):
            if await self.call_off(listing_id, None, TRIP_NOT_LANDED):
                called += 1
        return called

    async def call_off(
        self, listing_id: str, alert_id: str | None, reason: str = TRIP_CALLED_OFF
    ) -> bool:
        """Call one trip off; False when it is no longer at sea (landed, called off, deleted)."""
        for _ in range(MAX_RACES):
            doc = await self._stock.find(listing_id)
            if doc is None or doc.get("deleted") or doc["status"] != Status.PRE_LISTED.value:
                return False
            held = await held_reservations(self._reservations, doc)
            released = [reservation.order_id for reservation in held]
            now = self._clock()
            after = trip_after(
                doc,
                now,
                status=transition(Status.PRE_LISTED, Status.CALLED_OFF, Actor.SYSTEM),
                quantity_available=doc["quantity_available"] + sum(r.quantity for r in held),
                kept=[],
                released=released,
                trip={"called_off_at": now, "alert_id": alert_id},
            )
            event = trip_called_off(after, released, reason)
            if await write_trip(self._stock, doc, after, event):
                return True
        raise TransientError(f"trip {listing_id} kept changing; retrying later")


class CancelTrip:
    """The trip's own fisher calls it off (not sailing after all), as an alert would."""

    def __init__(self, trips: CallOffTrips, stock: ListingStock) -> None:
        self._trips = trips
        self._stock = stock

    async def __call__(self, listing_id: str, fisher: Identity) -> Document:
        doc = await self._stock.find(listing_id)
        if doc is None or doc.get("deleted") or doc["seller_id"] != fisher.subject:
            raise ListingNotFoundError
        if "trip" not in doc or doc["status"] not in {Status.PRE_LISTED, Status.CALLED_OFF}:
            raise not_pre_listed(Status(doc["status"]))
        await self._trips.call_off(listing_id, None, TRIP_CANCELLED)
        after = await self._stock.find(listing_id)
        if after is None or after["status"] != Status.CALLED_OFF.value:
            raise not_pre_listed(Status(after["status"] if after else doc["status"]))
        return public(after)
