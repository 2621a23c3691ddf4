"""Count what the stack holds after a fault run, straight from the services' own databases.

The API shows one order at a time and is rate limited; the databases show everything at once,
so the end-of-run books are drawn up here: orders by state, each listing's stock equation
(initial = available + reserved + sold), the listings' reservation records against the orders,
and outbox entries left anywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from devstack.stack import SERVICE_NAMES, Stack
from lumbung_orders.domain.states import TERMINAL_STATES, OrderState

from tests.support.mongo import database

STABLE_STATES = frozenset(
    {OrderState.RESERVED, OrderState.CONFIRMED, OrderState.SHIPPED, OrderState.DELIVERED}
)
"""Not terminal, but only a person (seller, buyer, courier) moves them on; the system is done."""

HOLDING_STATES = STABLE_STATES
"""States in which the order's units are held for it on the listing."""

SOLD_STATES = frozenset({OrderState.COMPLETED})

RESERVATION_FOR = {
    # order state → the listings service's reservation states that agree with it
    OrderState.RESERVED: {"reserved"},
    OrderState.CONFIRMED: {"reserved"},
    OrderState.SHIPPED: {"reserved"},
    OrderState.DELIVERED: {"reserved"},
    OrderState.COMPLETED: {"settled"},
    OrderState.REJECTED: {"rejected", "released"},
    OrderState.DECLINED: {"released"},
    OrderState.EXPIRED: {"released"},
    OrderState.CANCELLED: {"released"},
}


@dataclass(frozen=True)
class StockBook:
    """One listing's units at the end: what the listing says and what the orders hold."""

    listing_id: str
    initial: int
    available: int
    reserved: int
    sold: int
    markers: int
    duplicate_markers: int
    markers_without_order: int
    held_without_marker: int

    @property
    def balanced(self) -> bool:
        return self.initial == self.available + self.reserved + self.sold

    def line(self) -> str:
        sign = "=" if self.balanced else "!="
        return (
            f"{self.listing_id[:8]}: {self.initial} {sign} {self.available} available"
            f" + {self.reserved} reserved + {self.sold} sold"
            f" (markers {self.markers}, duplicate {self.duplicate_markers},"
            f" without order {self.markers_without_order},"
            f" order without marker {self.held_without_marker})"
        )


@dataclass
class Books:
    """Everything the end-of-run checks look at."""

    states: Counter[str] = field(default_factory=Counter)
    rejections: Counter[str] = field(default_factory=Counter)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders_of_key: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    stock: list[StockBook] = field(default_factory=list)
    reservation_mismatches: list[str] = field(default_factory=list)
    undecided_reservations: int = 0
    outbox_left: dict[str, int] = field(default_factory=dict)
    pending_counter_left: dict[str, int] = field(default_factory=dict)

    @property
    def unsettled(self) -> int:
        """Orders the system still has to move (pending, or a state this test does not know)."""
        settled = {s.value for s in TERMINAL_STATES | STABLE_STATES}
        return sum(n for state, n in self.states.items() if state not in settled)

    @property
    def terminal(self) -> int:
        return sum(self.states[s.value] for s in TERMINAL_STATES)

    @property
    def stable(self) -> int:
        return sum(self.states[s.value] for s in STABLE_STATES)

    @property
    def quiet(self) -> bool:
        """Nothing left for the system to do: orders settled, reservations decided, outboxes out."""
        return (
            self.unsettled == 0
            and self.undecided_reservations == 0
            and not any(self.outbox_left.values())
            and not any(self.pending_counter_left.values())
        )


async def draw_up(stack: Stack, initial_stock: Mapping[str, int]) -> Books:
    """Read the orders, reservations, listings and every outbox of the stack."""
    books = Books()
    async with database(stack, "orders") as db:
        async for doc in db.orders.find({}, {"outbox": 0}):
            books.orders[doc["_id"]] = doc
            books.states[doc["state"]] += 1
            if doc["state"] == OrderState.REJECTED:
                books.rejections[str(doc.get("rejection_reason"))] += 1
        async for key in db.idempotency_keys.find({}, {"key": 1, "buyer_id": 1, "order_ids": 1}):
            books.orders_of_key[(key["buyer_id"], key["key"])] = list(key["order_ids"])
    async with database(stack, "listings") as db:
        reservations = {doc["_id"]: doc async for doc in db.stock_reservations.find({})}
        listings = {
            doc["_id"]: doc
            async for doc in db.listings.find(
                {"_id": {"$in": list(initial_stock)}},
                {"quantity_available": 1, "reserved_orders": 1},
            )
        }
    books.undecided_reservations = sum(1 for r in reservations.values() if r["state"] == "pending")
    books.reservation_mismatches = _mismatches(books.orders, reservations)
    books.stock = [
        _stock_book(listing_id, initial, listings.get(listing_id, {}), books.orders.values())
        for listing_id, initial in initial_stock.items()
    ]
    for service in SERVICE_NAMES:
        books.outbox_left[service], books.pending_counter_left[service] = await _outbox(
            stack, service
        )
    return books


async def work_left(stack: Stack) -> int:
    """Pending orders, undecided reservations and outboxes not yet relayed, in one cheap look."""
    busy = {"outbox_pending": {"$gt": 0}}
    async with database(stack, "orders") as db:
        left = await db.orders.count_documents({"$or": [{"state": "pending"}, busy]})
    async with database(stack, "listings") as db:
        left += await db.listings.count_documents(busy)
        left += await db.stock_reservations.count_documents({"$or": [{"state": "pending"}, busy]})
    return left


def _stock_book(
    listing_id: str, initial: int, listing: Mapping[str, Any], orders: Iterable[Mapping[str, Any]]
) -> StockBook:
    held: dict[str, int] = {}
    sold = 0
    for order in orders:
        units = sum(ln["quantity"] for ln in order["lines"] if ln["listing_id"] == listing_id)
        if units and order["state"] in HOLDING_STATES:
            held[order["_id"]] = units
        elif units and order["state"] in SOLD_STATES:
            sold += units
    markers = list(listing.get("reserved_orders", []))
    return StockBook(
        listing_id=listing_id,
        initial=initial,
        available=int(listing.get("quantity_available", -1)),
        reserved=sum(held.values()),
        sold=sold,
        markers=len(markers),
        duplicate_markers=len(markers) - len(set(markers)),
        markers_without_order=len(set(markers) - held.keys()),
        held_without_marker=len(held.keys() - set(markers)),
    )


def _mismatches(
    orders: Mapping[str, Mapping[str, Any]], reservations: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Orders whose reservation record disagrees with them, and reservations with no order."""
    wrong = []
    for order_id, order in orders.items():
        expected = RESERVATION_FOR.get(OrderState(order["state"]))
        found = reservations.get(order_id, {}).get("state")
        if expected is not None and found not in expected:
            wrong.append(f"order {order_id} is {order['state']}, its reservation is {found}")
    for order_id, reservation in reservations.items():
        if order_id not in orders and reservation["state"] not in {"released", "rejected"}:
            wrong.append(f"reservation {order_id} ({reservation['state']}) has no order")
    return wrong


async def _outbox(stack: Stack, service: str) -> tuple[int, int]:
    """Outbox entries still in `service`'s documents, and documents whose pending count is > 0."""
    entries = pending = 0
    async with database(stack, service) as db:
        for name in await db.list_collection_names():
            query = {"$or": [{"outbox.0": {"$exists": True}}, {"outbox_pending": {"$gt": 0}}]}
            async for doc in db[name].find(query, {"outbox": 1, "outbox_pending": 1}):
                entries += len(doc.get("outbox") or [])
                pending += 1 if (doc.get("outbox_pending") or 0) > 0 else 0
    return entries, pending
