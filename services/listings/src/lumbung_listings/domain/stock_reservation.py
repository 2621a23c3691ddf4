"""The stock reservation of one order, keyed by the order id.

An order arrives once as `order.placed` but may be delivered many times; its stock reservation
is a small state machine so a repeat changes nothing: `pending` while lines are being taken, then
`reserved` or `rejected` for good, and `released` once the units are back on sale. `settled`
means the order completed and the units left for good. A release for an order never seen is
recorded as `released` too, so a late `order.placed` for it cannot take stock afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

MAX_LINES = 50  # an order for more distinct listings than this is not a farmer's order


class StockReservationState(StrEnum):
    """Where the stock reservation of an order is."""

    PENDING = "pending"
    RESERVED = "reserved"
    REJECTED = "rejected"
    RELEASED = "released"
    SETTLED = "settled"


DECIDED = frozenset(
    {
        StockReservationState.RESERVED,
        StockReservationState.REJECTED,
        StockReservationState.RELEASED,
        StockReservationState.SETTLED,
    }
)
RELEASABLE = frozenset({StockReservationState.PENDING, StockReservationState.RESERVED})


@dataclass(frozen=True)
class ReservationLine:
    """Units of one listing an order wants held, at the unit price the buyer saw (if known)."""

    listing_id: str
    quantity: int
    unit_price: int | None = None


def merge_lines(lines: Iterable[tuple[str, int, int | None]]) -> list[ReservationLine]:
    """One line per listing, quantities summed, in first-seen order (first-seen price).

    Each listing remembers which orders reserved stock on it; two lines of the same listing in one
    order would look like a repeat of the first and the second would never be taken. Two lines
    of one listing at different prices cannot both be the listing's price: the first one's price
    is checked, and the order is refused if it is not the listing's.
    """
    totals: dict[str, int] = {}
    prices: dict[str, int | None] = {}
    for listing_id, quantity, unit_price in lines:
        totals[listing_id] = totals.get(listing_id, 0) + quantity
        prices.setdefault(listing_id, unit_price)
    return [
        ReservationLine(listing_id, quantity, prices[listing_id])
        for listing_id, quantity in totals.items()
    ]


@dataclass(frozen=True)
class OrderParty:
    """Who an order is between; `seller_id` is None when the orders service did not know the
    listing at checkout (issue 12: listings decides such an order, on the listing's seller)."""

    buyer_id: str
    seller_id: str | None

    def may_order_from(self, listing_seller: str) -> bool:
        """Whether this order may take stock of a listing of `listing_seller`."""
        if self.seller_id is None:
            return listing_seller != self.buyer_id
        return listing_seller == self.seller_id
