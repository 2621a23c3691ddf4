"""A pooled listing's stock: contributions of members, sold first contributed, first sold.

A cooperative's pool is the sum of what its members put in. Which member's stock a buyer got
decides who is paid for it (the orders service's payout ledger reads the shares of
`stock.reserved`), so the allocation is a pure function here: the oldest contribution with
units left gives first. What an order took is kept per contribution, so a release returns the
units to the very contributions they came from; units of a member who has since left go back
to nobody (they leave the pool with the member) instead of back on sale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Contribution:
    """Units one member put into a pool: `remaining` are on sale, `withdrawn` left with them.

    `closed` once the member left: units released to it afterwards are withdrawn too (a member
    who rejoins contributes anew, in a new, open contribution).
    """

    id: str
    member_id: str
    quantity: int
    remaining: int
    withdrawn: int = 0
    closed: bool = False

    def as_doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "member_id": self.member_id,
            "quantity": self.quantity,
            "remaining": self.remaining,
            "withdrawn": self.withdrawn,
            "closed": self.closed,
        }

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Contribution:
        return cls(
            id=doc["id"],
            member_id=doc["member_id"],
            quantity=int(doc["quantity"]),
            remaining=int(doc["remaining"]),
            withdrawn=int(doc.get("withdrawn", 0)),
            closed=bool(doc.get("closed", False)),
        )


@dataclass(frozen=True)
class Share:
    """Units of one contribution held for (or sold to) one order."""

    contribution_id: str
    member_id: str
    quantity: int

    def as_doc(self) -> dict[str, Any]:
        return {
            "contribution_id": self.contribution_id,
            "member_id": self.member_id,
            "quantity": self.quantity,
        }

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Share:
        return cls(doc["contribution_id"], doc["member_id"], int(doc["quantity"]))


class InsufficientPoolError(Exception):
    """The pool has fewer units on sale than asked for."""


def available(contributions: Iterable[Contribution]) -> int:
    """A pool's `quantity_available`: the sum of what its contributions have left on sale."""
    return sum(c.remaining for c in contributions)


def allocate(
    contributions: Sequence[Contribution], quantity: int
) -> tuple[list[Contribution], list[Share]]:
    """Take `quantity` units oldest contribution first: the pool after, and whose units they are.

    `contributions` are in the order they were made (the listing stores them so).
    """
    if quantity > available(contributions):
        raise InsufficientPoolError
    left = quantity
    after: list[Contribution] = []
    shares: list[Share] = []
    for c in contributions:
        taken = min(left, c.remaining)
        if taken:
            shares.append(Share(c.id, c.member_id, taken))
            left -= taken
        after.append(replace(c, remaining=c.remaining - taken))
    return after, shares


def give_back_shares(
    contributions: Sequence[Contribution], shares: Iterable[Share]
) -> tuple[list[Contribution], int]:
    """Return released `shares` to their contributions: the pool after, and units back on sale.

    Units of a closed contribution (its member left the cooperative while the order held them)
    are counted as withdrawn with the rest of their stock, not put back on sale.
    """
    returned = {s.contribution_id: 0 for s in shares}
    for share in shares:
        returned[share.contribution_id] += share.quantity
    on_sale = 0
    after = []
    for c in contributions:
        units = returned.get(c.id, 0)
        if c.closed:
            after.append(replace(c, withdrawn=c.withdrawn + units))
        else:
            after.append(replace(c, remaining=c.remaining + units))
            on_sale += units
    return after, on_sale


def withdraw(
    contributions: Sequence[Contribution], member_id: str
) -> tuple[list[Contribution], int]:
    """Take a departing member's unreserved units out of the pool: the pool after, units out.

    Their contributions are closed, so units released to them later leave the pool too.
    """
    out = 0
    after = []
    for c in contributions:
        if c.member_id == member_id and not c.closed:
            out += c.remaining
            after.append(replace(c, remaining=0, withdrawn=c.withdrawn + c.remaining, closed=True))
        else:
            after.append(c)
    return after, out


def member_shares(shares: Iterable[Share]) -> list[tuple[str, int]]:
    """Shares summed per member, in the order the members first appear (FIFO order)."""
    totals: dict[str, int] = {}
    for share in shares:
        totals[share.member_id] = totals.get(share.member_id, 0) + share.quantity
    return list(totals.items())


@dataclass(frozen=True)
class MemberStock:
    """One member's stock in a pool: contributed, on sale, held for open orders, sold, withdrawn."""

    member_id: str
    contributed: int
    remaining: int
    held: int
    sold: int
    withdrawn: int


def stock_by_member(
    contributions: Sequence[Contribution], holds: Iterable[Share]
) -> list[MemberStock]:
    """What each member has in the pool, members in the order they first contributed."""
    held: dict[str, int] = {}
    for share in holds:
        held[share.contribution_id] = held.get(share.contribution_id, 0) + share.quantity
    rows: dict[str, list[int]] = {}
    for c in contributions:
        row = rows.setdefault(c.member_id, [0, 0, 0, 0, 0])
        on_hold = held.get(c.id, 0)
        row[0] += c.quantity
        row[1] += c.remaining
        row[2] += on_hold
        row[3] += c.quantity - c.remaining - on_hold - c.withdrawn
        row[4] += c.withdrawn
    return [MemberStock(member, *row) for member, row in rows.items()]
