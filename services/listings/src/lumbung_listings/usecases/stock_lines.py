"""The steps reserving and releasing stock share: take or give back one listing's units.

Each change is a single conditional update on the listing document, guarded by the version
read a moment before, that the listing is still reservable (active, or a trip's pre-listing)
with enough units, and that this order has no reservation on it yet (`reserved_orders`); it
takes the units, records the order, bumps the version and pushes `listing.updated` (and
`listing.status_changed` when the last unit goes). A lost race re-reads and tries again; stock
never goes below zero because the guard and the write are one operation, and a repeated order
cannot take twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lumbung_shared.clock import utc_now
from lumbung_shared.events import Envelope
from lumbung_shared.events.stock import HeldListing, MemberShare, StockLine
from lumbung_shared.kafka import TransientError
from lumbung_shared.mongo import Document

from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.pool import Contribution, withdraw
from lumbung_listings.domain.stock import (
    RejectReason,
    StockState,
    can_reserve,
    status_for_stock,
    trip_refusal,
)
from lumbung_listings.domain.stock_reservation import (
    OrderParty,
    ReservationLine,
    StockReservationState,
)
from lumbung_listings.messaging.events import listing_changed
from lumbung_listings.storage.documents import (
    CONTRIBUTIONS,
    POOL_HOLDS,
    RELEASED_ORDERS,
)
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository
from lumbung_listings.usecases.pool_holds import hold_of, pool_release, pool_take, shares_held

MAX_RACES = 50  # re-reads after losing a race before the event is retried later
UNDECIDED = frozenset({StockReservationState.PENDING})
PAUSABLE = frozenset({Status.ACTIVE, Status.SOLD_OUT})
"""A member's own listing in these statuses is paused when they leave the cooperative."""


@dataclass(frozen=True)
class LineTaken:
    """The units are reserved for the order; `remaining` is what is left on the listing.

    `listing` is the listing as reserved on (seller, price, title...), for an order that was
    placed before the orders service knew it.
    """

    remaining: int
    listing: HeldListing
    shares: list[MemberShare] = field(default_factory=list)


@dataclass(frozen=True)
class LineRefused:
    """The units could not be reserved, and why; with `price_changed`, the price now."""

    reason: RejectReason
    current_price: int | None = None


async def take(
    stock: ListingStock, order_id: str, party: OrderParty, line: ReservationLine
) -> LineTaken | LineRefused:
    """Reserve the line's units for `order_id` at its price, or say why not; a repeat is a no-op.

    The price the buyer saw is part of the guard, so a price edited between the read and the
    write cannot slip through at the old price. Without a price (an order placed before the
    orders service knew the listing) the units are taken at the listing's price as read, which
    the version guard keeps true at the write. An order that names no seller is taken on the
    listing's own seller, unless that is the buyer (as the buyer's own listing: "not found").
    """
    listing_id, quantity = line.listing_id, line.quantity
    for _ in range(MAX_RACES):
        doc = await stock.find(listing_id)
        if doc is None or doc.get("deleted") or not party.may_order_from(doc["seller_id"]):
            return LineRefused(RejectReason.NOT_FOUND)
        if order_id in doc.get("reserved_orders", []):
            return LineTaken(
                doc["quantity_available"], held_listing(doc), shares_held(doc, order_id)
            )
        price, status = int(doc["price_per_unit"]), Status(doc["status"])
        state = StockState(status, doc["quantity_available"], doc["min_order"], price)
        reason = can_reserve(state, quantity, line.unit_price) or trip_refusal(
            status, doc.get(RELEASED_ORDERS, []), order_id, party.seller_id is not None
        )
        if reason is not None:
            shown = price if reason is RejectReason.PRICE_CHANGED else None
            return LineRefused(reason, shown)
        guard = {
            "status": status.value,
            "quantity_available": {"$gte": quantity},
            "reserved_orders": {"$ne": order_id},
            **({} if line.unit_price is None else {"price_per_unit": line.unit_price}),
        }
        marker = {"$push": {"reserved_orders": order_id}}
        extra = pool_take(doc, order_id, quantity)
        after = await _change(stock, doc, -quantity, guard, marker, extra)
        if after is not None:
            return LineTaken(
                after["quantity_available"], held_listing(doc), shares_held(after, order_id)
            )
    raise TransientError(f"listing {listing_id} kept changing; retrying later")


def held_listing(doc: Document) -> HeldListing:
    """The listing `doc` as an order sees it (the price and version before this reservation)."""
    return HeldListing(
        listing_id=doc["_id"],
        seller_id=doc["seller_id"],
        unit_price=int(doc["price_per_unit"]),
        listing_version=int(doc["version"]),
        title=doc["title"],
        unit=doc["unit"],
        kind=doc["kind"],
        origin_region=doc["origin_region"],
    )


async def give_back(
    stock: ListingStock, listing_id: str, order_id: str, quantity: int
) -> int | None:
    """Return `quantity` units reserved by `order_id`; None when it reserved none there."""
    for _ in range(MAX_RACES):
        doc = await stock.find(listing_id)
        if doc is None or order_id not in doc.get("reserved_orders", []):
            return None
        if doc.get("deleted"):
            # A deleted listing sells nothing: drop the reservation, publish nothing.
            await stock.drop_marker(listing_id, order_id)
            return 0
        release = {"$pull": {"reserved_orders": order_id}}
        delta, extra = pool_release(doc, order_id, quantity)
        after = await _change(stock, doc, delta, {"reserved_orders": order_id}, release, extra)
        if after is not None:
            return int(after["quantity_available"])
    raise TransientError(f"listing {listing_id} kept changing; retrying later")


async def give_back_all(
    stock: ListingStock, order_id: str, lines: Sequence[ReservationLine]
) -> list[StockLine]:
    """Return every line the order still reserves, last taken first."""
    freed = []
    for line in reversed(lines):
        remaining = await give_back(stock, line.listing_id, order_id, line.quantity)
        if remaining is not None:
            freed.append(
                StockLine(listing_id=line.listing_id, quantity=line.quantity, remaining=remaining)
            )
    return freed


async def decide(
    reservations: StockReservationRepository,
    order_id: str,
    state: StockReservationState,
    event: Envelope[Any],
    from_states: frozenset[StockReservationState] = UNDECIDED,
    **fields: Any,
) -> StockReservationState:
    """Record the decision and its event in one update, only from an undecided state."""
    moved = await reservations.move(
        order_id, [s.value for s in from_states], {"state": state.value, **fields}, event
    )
    if moved:
        return state
    current = await reservations.state_of(order_id)
    return StockReservationState(current) if current else state


def lines_of(reservation: Document) -> list[ReservationLine]:
    return [
        ReservationLine(line["listing_id"], line["quantity"])
        for line in reservation.get("lines", [])
    ]


async def settle_hold(stock: ListingStock, listing_id: str, order_id: str) -> None:
    """Forget the order on the listing: its held units are sold (a pool's hold is dropped)."""
    for _ in range(MAX_RACES):
        doc = await stock.find(listing_id)
        if doc is None or hold_of(doc, order_id) is None:
            await stock.drop_marker(listing_id, order_id)
            return
        holds = [h for h in doc[POOL_HOLDS] if h["order_id"] != order_id]
        marker = {"$pull": {"reserved_orders": order_id}}
        if await _change(stock, doc, 0, {}, marker, {POOL_HOLDS: holds}) is not None:
            return
    raise TransientError(f"listing {listing_id} kept changing; retrying later")


async def withdraw_member(stock: ListingStock, listing_id: str, member_id: str) -> None:
    """Take a departing member's stock off the aggregator's listing `listing_id`.

    From a pool, their unreserved units leave (units held for open orders stay for them); a
    listing made on their behalf is paused, its open orders honoured. A repeat changes nothing.
    """
    for _ in range(MAX_RACES):
        doc = await stock.find(listing_id)
        if doc is None or doc.get("deleted") or not doc.get("aggregator"):
            return
        if doc["aggregator"].get("pooled"):
            pool = [Contribution.of(c) for c in doc.get(CONTRIBUTIONS, [])]
            after, out = withdraw(pool, member_id)
            if after == pool:
                return
            extra: Document = {CONTRIBUTIONS: [c.as_doc() for c in after]}
            delta = -out
        else:
            if Status(doc["status"]) not in PAUSABLE:
                return
            extra, delta = {"status": Status.PAUSED.value}, 0
        if await _change(stock, doc, delta, {}, {}, extra) is not None:
            return
    raise TransientError(f"listing {listing_id} kept changing; retrying later")


async def _change(  # noqa: PLR0917 -- one guarded write: what, how much, if what, and markers
    stock: ListingStock,
    doc: Document,
    delta: int,
    guard: Document,
    marker: Document,
    extra: Document | None = None,
) -> Document | None:
    """Apply `delta` (and `extra` fields) to `doc` if it is still at the version read; else None."""
    quantity = doc["quantity_available"] + delta
    status = Status(str((extra or {}).get("status", doc["status"])))
    after = {
        **doc,
        **(extra or {}),
        "quantity_available": quantity,
        "status": status_for_stock(status, quantity).value,
        "version": doc["version"] + 1,
        "updated_at": utc_now(),
    }
    keys = ("quantity_available", "status", "version", "updated_at", *(extra or {}))
    fields = {key: after[key] for key in keys}
    if await stock.change(doc, fields, guard, marker, listing_changed(doc, after)):
        return after
    return None
