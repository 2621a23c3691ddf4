"""What one line of an order holds: the listing's goods at a price, and their vocabulary.

A line is frozen at checkout from the listing snapshot, or, for a listing the snapshots did not
know yet, completed from the listing as listings reserved it (`HeldListing`, from
`stock.reserved`): until then its title, unit, kind, origin and perhaps its price are None.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Final, Self

from lumbung_shared.errors import ConflictError, Message
from pydantic import BaseModel, ConfigDict, Field

from lumbung_orders.domain.payouts import (
    AggregatorTerms,
    MemberShare,
    Payout,
    accrue,
    checked_shares,
)

NOT_PRICED_YET: Final = ConflictError(
    "order-not-priced",
    Message(id="Harga pesanan belum diketahui.", en="The order's price is not known yet."),
)
"""Money cannot be taken for an order whose price listings has not set yet."""


class ListingKind(StrEnum):
    """What sort of goods (as in `listing.*` events); only fresh catch is exposed to sea alerts."""

    PRODUCE = "produce"
    CATCH = "catch"
    PROCESSED = "processed"


class Unit(StrEnum):
    """Selling units used by Indonesian farmers and fishers."""

    KG = "kg"
    TON = "ton"
    EKOR = "ekor"
    IKAT = "ikat"
    KARUNG = "karung"
    LITER = "liter"
    BUAH = "buah"


class PricedLine(BaseModel):
    """An order line frozen at the snapshot's price, so later price edits do not change it.

    For a listing not known at checkout only `listing_id`, `quantity` and what the buyer sent
    are set; the rest is filled in from `stock.reserved` (`resolved`).
    """

    model_config = ConfigDict(frozen=True)

    listing_id: str
    listing_version: int | None
    title: str | None
    kind: ListingKind | None
    unit: Unit | None
    origin_region: str | None
    quantity: int
    price_per_unit: int | None
    line_total: int | None
    aggregator: AggregatorTerms | None = None
    """Set on a line of a cooperative's listing (frozen at checkout, like the price)."""
    shares: tuple[MemberShare, ...] = ()
    """Whose stock the units are, as listings reserved them (first contributed, first sold)."""

    def resolved(self, held: HeldListing) -> Self:
        """This line completed from the listing as listings reserved it (the buyer's price, if
        they were shown one, is the one reserved at: listings guarantees it)."""
        return self.model_copy(
            update={
                "listing_version": self.listing_version
                if self.listing_version is not None
                else held.listing_version,
                "title": held.title,
                "kind": held.kind,
                "unit": held.unit,
                "origin_region": held.origin_region,
                "price_per_unit": held.unit_price,
                "line_total": held.unit_price * self.quantity,
            }
        )


class HeldListing(BaseModel):
    """A listing as listings reserved stock on it (from `stock.reserved`), in domain terms."""

    model_config = ConfigDict(frozen=True)

    listing_id: str
    seller_id: str
    unit_price: Annotated[int, Field(ge=0)]
    listing_version: int
    title: str
    unit: Unit
    kind: ListingKind
    origin_region: str


def order_total(lines: Iterable[PricedLine]) -> int | None:
    """The sum of the line totals; None while any line has no price yet."""
    totals = [line.line_total for line in lines]
    return None if None in totals else sum(t for t in totals if t is not None)


class UnresolvedOrderError(ValueError):
    """`stock.reserved` does not describe every listing of an order that needs it: the reply is
    unusable (never fixed by retrying), so it is dead-lettered and the deadline decides."""


def resolve(
    seller_id: str | None, lines: Sequence[PricedLine], held: Sequence[HeldListing]
) -> tuple[str, tuple[PricedLine, ...]]:
    """The seller and lines of an order completed from the listings stock was held on.

    An order whose seller was known at checkout is returned as it is. Otherwise every line must
    be described in `held`, all by one seller (listings reserves each such order on one listing).
    """
    if seller_id is not None:
        return seller_id, tuple(lines)
    by_id = {listing.listing_id: listing for listing in held}
    sellers = {listing.seller_id for listing in held}
    if len(sellers) != 1 or any(line.listing_id not in by_id for line in lines):
        raise UnresolvedOrderError("stock.reserved does not name the order's seller and listings")
    return sellers.pop(), tuple(line.resolved(by_id[line.listing_id]) for line in lines)


@dataclass(frozen=True)
class Contributions:
    """Whose stock `stock.reserved` held, by listing, and the terms of listings only known now."""

    shares: Mapping[str, Sequence[MemberShare]] = field(default_factory=dict)
    terms: Mapping[str, AggregatorTerms] = field(default_factory=dict)


def with_shares(
    seller_id: str, lines: Sequence[PricedLine], members: Contributions | None
) -> tuple[PricedLine, ...]:
    """The lines with the members' shares `stock.reserved` named (`payouts.SharesMismatchError`
    when they do not sum to a line's quantity: unusable, like an unresolved reply).

    A line that learned its listing only at reservation gets its terms from the snapshot as it
    is then (`Contributions.terms`); failing that, the seller is the aggregator, with no fee.
    """
    if members is None:
        return tuple(lines)
    done = []
    for line in lines:
        line_shares = checked_shares(line.quantity, members.shares.get(line.listing_id, ()))
        if not line_shares:
            done.append(line)
            continue
        agreed = line.aggregator or members.terms.get(line.listing_id)
        if agreed is None:
            agreed = AggregatorTerms(
                aggregator_id=seller_id, fee_basis_points=0, pooled=len(line_shares) > 1
            )
        done.append(line.model_copy(update={"aggregator": agreed, "shares": line_shares}))
    return tuple(done)


def payouts_due(lines: Iterable[PricedLine], at: datetime) -> list[Payout]:
    """The payouts of a completed order: one per line sold for a cooperative's members."""
    return [
        accrue(line.listing_id, line.aggregator, line.line_total or 0, line.shares, at)
        for line in lines
        if line.aggregator is not None and line.shares
    ]
