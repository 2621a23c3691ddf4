"""What calling a trip off and landing it share: its reservations, and one guarded write.

A pre-listing's reservations are the listing's own stock reservations: the listing names the
orders holding its stock (`reserved_orders`), each order's reservation document says how many
kilograms of it (merged to one line per listing) and since when. Those documents never change
their lines, so reading them before the write is safe; the write itself is one update of the
listing guarded by the version read, so a reservation taken meanwhile makes it try again.

After the write the released orders no longer hold a marker here: when the orders service
cancels them, their `order.cancelled` releases nothing twice (`give_back` finds no marker), and
the listing remembers them (`trip_released_orders`) so a redelivered `order.placed` cannot take
the stock back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

from lumbung_shared.errors import ConflictError, Message
from lumbung_shared.events import Envelope
from lumbung_shared.mongo import Document

from lumbung_listings.domain.landing import Reservation
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.messaging.events import listing_changed
from lumbung_listings.storage.documents import RELEASED_ORDERS
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository

log = logging.getLogger(__name__)

MAX_RACES: Final = 20
UNKNOWN_TIME: Final = datetime.max.replace(tzinfo=UTC)
"""A reservation with no record sorts last (it should not exist: see `held_reservations`)."""
STOCK_FIELDS: Final = ("status", "quantity_available", "reserved_orders", RELEASED_ORDERS)


async def held_reservations(
    reservations: StockReservationRepository, doc: Document
) -> list[Reservation]:
    """The reservations on the listing `doc`, one per order marker, in marker order.

    An order's reservation document is inserted before it takes any stock, so every marker has
    one; a marker without it (never expected) is held as 0 kg, released first, and logged.
    """
    held = []
    for order_id in doc.get("reserved_orders", []):
        record = await reservations.find(order_id)
        lines = record.get("lines", []) if record else []
        quantity = sum(int(ln["quantity"]) for ln in lines if ln["listing_id"] == doc["_id"])
        if record is None:
            log.warning("reservation marker without its record", extra={"order_id": order_id})
        reserved_at = record.get("created_at") if record else None
        held.append(Reservation(order_id, quantity, reserved_at or UNKNOWN_TIME))
    return held


def trip_after(
    doc: Document,
    now: datetime,
    *,
    status: Status,
    quantity_available: int,
    kept: Sequence[str],
    released: Sequence[str],
    trip: dict[str, Any],
    **fields: Any,
) -> Document:
    """The listing `doc` after a call-off or landing, at the next version."""
    return {
        **doc,
        **fields,
        "status": status.value,
        "quantity_available": quantity_available,
        "reserved_orders": list(kept),
        RELEASED_ORDERS: [*doc.get(RELEASED_ORDERS, []), *released],
        "trip": {**doc["trip"], **trip},
        "version": doc["version"] + 1,
        "updated_at": now,
    }


async def write_trip(
    stock: ListingStock, before: Document, after: Document, trip_event: Envelope[Any]
) -> bool:
    """Store `after` if `before` is still the listing, still pre-listed; False when raced."""
    changed = (*STOCK_FIELDS, "trip", "version", "updated_at", *_content_changes(before, after))
    fields = {key: after[key] for key in dict.fromkeys(changed)}
    events = [*listing_changed(before, after), trip_event]
    return await stock.change(before, fields, {"status": Status.PRE_LISTED.value}, {}, events)


def _content_changes(before: Document, after: Document) -> list[str]:
    """Other fields the change set (a landing's catch date)."""
    skip = {*STOCK_FIELDS, "trip", "version", "updated_at"}
    return [key for key in after if key not in skip and before.get(key) != after[key]]


def not_pre_listed(status: Status) -> ConflictError:
    """The 409 for landing a listing that is not (or no longer) a trip at sea."""
    return ConflictError(
        "trip-not-at-sea",
        Message(
            id="Iklan ini bukan perjalanan yang menunggu pendaratan.",
            en="This listing is not a trip waiting to land.",
        ),
        current_status=status.value,
    )


BUSY: Final = ConflictError(
    "listing-busy",
    Message(id="Iklan sedang berubah; coba lagi.", en="The listing is changing; try again."),
)
