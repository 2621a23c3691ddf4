"""Turn stored listings and reservations into the events other services learn about them from.

Every builder here is called while preparing a write, so the event lands in the same document
update as the change it describes (outbox) and the relay publishes it afterwards.
"""

from __future__ import annotations

from typing import Any

from lumbung_shared.events import Envelope, EventPayload, new_event
from lumbung_shared.events.listings import (
    ListingCreated,
    ListingDeleted,
    ListingSnapshot,
    ListingStatusChanged,
    ListingUpdated,
)
from lumbung_shared.events.stock import (
    HeldListing,
    RejectReason,
    StockLine,
    StockRejected,
    StockReleased,
    StockReserved,
)
from lumbung_shared.events.trips import TripCalledOff, TripLanded
from lumbung_shared.observability import correlation_id

PRODUCER = "listings"


def _wrap(payload: EventPayload, key: str) -> Envelope[Any]:
    return new_event(payload, producer=PRODUCER, correlation_id=correlation_id(), key=key)


def _snapshot_fields(doc: dict[str, Any]) -> dict[str, Any]:
    fields = set(ListingSnapshot.model_fields) - {"listing_id"}
    return {"listing_id": doc["_id"], **{name: doc.get(name) for name in fields if name in doc}}


def listing_created(doc: dict[str, Any]) -> Envelope[ListingCreated]:
    """`listing.created` with the full public snapshot of a new listing."""
    return _wrap(ListingCreated(**_snapshot_fields(doc)), doc["_id"])


def listing_updated(doc: dict[str, Any]) -> Envelope[ListingUpdated]:
    """`listing.updated` with the snapshot after the change."""
    return _wrap(ListingUpdated(**_snapshot_fields(doc)), doc["_id"])


def listing_status_changed(before: dict[str, Any], after: dict[str, Any]) -> Envelope[Any]:
    """`listing.status_changed` from `before`'s status to `after`'s, at `after`'s version."""
    payload = ListingStatusChanged(
        listing_id=after["_id"],
        seller_id=after["seller_id"],
        previous_status=before["status"],
        status=after["status"],
        version=after["version"],
    )
    return _wrap(payload, after["_id"])


def listing_changed(before: dict[str, Any], after: dict[str, Any]) -> list[Envelope[Any]]:
    """What a change owes: the snapshot, then the status change if there was one.

    The snapshot goes first: a read model guarded by version applies the first event of a
    version and skips the rest, and only the snapshot carries every field.
    """
    events: list[Envelope[Any]] = [listing_updated(after)]
    if before["status"] != after["status"]:
        events.append(listing_status_changed(before, after))
    return events


def listing_deleted(doc: dict[str, Any]) -> Envelope[ListingDeleted]:
    """`listing.deleted`: consumers drop the listing from their read models."""
    payload = ListingDeleted(
        listing_id=doc["_id"], seller_id=doc["seller_id"], version=doc["version"]
    )
    return _wrap(payload, doc["_id"])


def stock_reserved(
    order_id: str, lines: list[StockLine], held: list[HeldListing]
) -> Envelope[StockReserved]:
    """`stock.reserved`: every line of the order is held, on these listings."""
    return _wrap(StockReserved(order_id=order_id, lines=lines, listings=held), order_id)


def stock_rejected(
    order_id: str, reason: RejectReason, listing_id: str | None, current_price: int | None = None
) -> Envelope[StockRejected]:
    """`stock.rejected`: nothing is held for the order, and why (with the price now, if that)."""
    payload = StockRejected(
        order_id=order_id, reason=reason, listing_id=listing_id, current_price=current_price
    )
    return _wrap(payload, order_id)


def stock_released(order_id: str, lines: list[StockLine]) -> Envelope[StockReleased]:
    """`stock.released`: the units held for the order are back on sale."""
    return _wrap(StockReleased(order_id=order_id, lines=lines), order_id)


def trip_called_off(
    after: dict[str, Any], order_ids: list[str], reason: str
) -> Envelope[TripCalledOff]:
    """`listing.trip_called_off`: the pre-listing `after` is called off, these orders released."""
    trip = after["trip"]
    payload = TripCalledOff(
        listing_id=after["_id"],
        seller_id=after["seller_id"],
        version=after["version"],
        zone_id=trip["zone_id"],
        vessel_class=trip["vessel_class"],
        alert_id=trip.get("alert_id"),
        order_ids=order_ids,
        reason=reason,
    )
    return _wrap(payload, after["_id"])


def trip_landed(
    after: dict[str, Any], kept: list[str], released: list[str], reason: str
) -> Envelope[TripLanded]:
    """`listing.trip_landed`: the catch of `after` landed; `released` orders lost their hold."""
    trip = after["trip"]
    payload = TripLanded(
        listing_id=after["_id"],
        seller_id=after["seller_id"],
        version=after["version"],
        actual_quantity=trip["actual_quantity"],
        landed_at=trip["landed_at"],
        kept_order_ids=kept,
        released_order_ids=released,
        reason=reason,
    )
    return _wrap(payload, after["_id"])
