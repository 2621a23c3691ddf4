"""Announce a trip: its expected catch as a pre-listing buyers can reserve before it lands.

Safe to retry: the listing's id is derived from the seller and the Idempotency-Key, so a retry's
insert collides on `_id` (atomic on any store) and gets the first answer back; the same key with
another body is a 422. A zone already under a danger alert for the trip's vessel class refuses
the trip (409, do not sail). An alert recorded between that check and the insert is caught by
a second look after it, which calls the new trip off at once: no trip is left at sea unwarned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lumbung_shared.clock import utc_now
from lumbung_shared.mongo import Document

from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.problems import ListingNotFoundError
from lumbung_listings.domain.trip import (
    TripDraft,
    check_landing_window,
    fingerprint,
    key_reused,
    trip_listing_id,
    zone_in_danger,
)
from lumbung_listings.messaging.events import listing_created
from lumbung_listings.storage.documents import CREATION_FINGERPRINT, RELEASED_ORDERS, public
from lumbung_listings.storage.listings import ListingRepository
from lumbung_listings.storage.risk import SupplyRiskRepository
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.trips import ZoneDangers
from lumbung_listings.usecases.call_off_trips import CallOffTrips
from lumbung_listings.usecases.create_listing import new_listing


@dataclass(frozen=True)
class TripAnnounced:
    """The trip's listing, and whether it is the stored answer to an earlier request."""

    listing: Document
    replayed: bool


class CreateTrip:
    """Stores a trip's pre-listing and its `listing.created` in one insert, once per key."""

    def __init__(
        self,
        listings: ListingRepository,
        stock: ListingStock,
        risk: SupplyRiskRepository,
        dangers: ZoneDangers,
        call_off: CallOffTrips,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._listings = listings
        self._stock = stock
        self._risk = risk
        self._dangers = dangers
        self._call_off = call_off
        self._clock = clock

    async def __call__(self, seller_id: str, key: str, draft: TripDraft) -> TripAnnounced:
        listing_id, printed = trip_listing_id(seller_id, key), fingerprint(draft)
        existing = await self._stock.find(listing_id)
        if existing is not None:
            return _replay(existing, printed, key)
        now = self._clock()
        check_landing_window(draft.expected_landing_at, now)
        zone, vessel = draft.zone_id, draft.vessel_class.value
        if alerts := await self._dangers.in_force(zone, vessel, now):
            raise zone_in_danger(zone, vessel, alerts)
        listing = draft.as_listing()
        risks = await self._risk.active_for(listing.kind, listing.origin_region)
        doc = {
            **new_listing(
                listing_id,
                seller_id=seller_id,
                draft=listing,
                status=Status.PRE_LISTED,
                risks=risks,
                now=now,
            ),
            "trip": draft.trip_block(),
            RELEASED_ORDERS: [],
            CREATION_FINGERPRINT: printed,
        }
        raced = await self._listings.insert_once(doc, listing_created(doc))
        if raced is not None:
            return _replay(raced, printed, key)
        if alerts := await self._dangers.in_force(zone, vessel, self._clock()):
            await self._call_off.call_off(listing_id, alerts[0])
            called_off = await self._listings.find(listing_id)
            return TripAnnounced(public(called_off or doc), replayed=False)
        return TripAnnounced(public(doc), replayed=False)


def _replay(stored: Document, printed: str, key: str) -> TripAnnounced:
    """The stored trip for a true retry; 422 for another body under the same key."""
    if stored.get(CREATION_FINGERPRINT) != printed:
        raise key_reused(key)
    if stored.get("deleted"):
        raise ListingNotFoundError
    return TripAnnounced(public(stored), replayed=True)
