"""The life of one order's hold on stock, keyed by the order id.

An order arrives once as `order.placed` but may be delivered many times; its hold on stock is a
small state machine so a repeat changes nothing: `pending` while lines are being taken, then
`reserved` or `rejected` for good, and `released` once the units are back on sale. `settled`
means the order completed and the units left for good. A release for an order never seen is
recorded as `released` too, so a late `order.placed` for it cannot take stock afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

MAX_LINES = 50  # an order for more distinct listings than this is not a farmer's order


class HoldState(StrEnum):
    """Where an order's hold on stock is."""

    PENDING = "pending"
    RESERVED = "reserved"
    REJECTED = "rejected"
    RELEASED = "released"
    SETTLED = "settled"


DECIDED = frozenset({HoldState.RESERVED, HoldState.REJECTED, HoldState.RELEASED, HoldState.SETTLED})
RELEASABLE = frozenset({HoldState.PENDING, HoldState.RESERVED})


@dataclass(frozen=True)
class HoldLine:
    """Units of one listing an order wants held."""

    listing_id: str
    quantity: int


def merge_lines(lines: Iterable[tuple[str, int]]) -> list[HoldLine]:
    """One line per listing, quantities summed, in first-seen order.

    Each listing remembers which orders hold stock on it; two lines of the same listing in one
    order would look like a repeat of the first and the second would never be taken.
    """
    totals: dict[str, int] = {}
    for listing_id, quantity in lines:
        totals[listing_id] = totals.get(listing_id, 0) + quantity
    return [HoldLine(listing_id, quantity) for listing_id, quantity in totals.items()]
