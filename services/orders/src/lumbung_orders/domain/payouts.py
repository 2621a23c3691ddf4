"""What a cooperative owes its members for an order: the exact split and the payout ledger.

A line of an aggregator's listing (`AggregatorTerms`, frozen on the line at checkout) knows whose
stock was sold (`MemberShare`s, from `stock.reserved`: first contributed, first sold). When the
order completes, its total T is split into the aggregator's fee and one amount per member:
fee quota = T x bp / 10000, member i quota = (T - fee quota) x q_i / Q. Rupiah are whole, so the
quotas are rounded by largest remainder (Hamilton) over the fee and the members together: each
part gets its quota's integer part, then the rupiah left over go one each to the largest
fractional parts, ties to the fee first, then by contribution order. The parts sum to T exactly,
none is negative, and each is within one rupiah of its quota. All arithmetic is on integers
(quotas share the denominator 10000 x Q), so nothing depends on floating point.

The ledger is the order itself (`Order.payouts`): accrued in the write that completes the
order, reversed in the write that records its refund, each at most once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field

BASIS_POINTS: Final = 10_000
MAX_FEE_BASIS_POINTS: Final = 5_000
REFUNDED: Final = "refunded"
"""The reason a payout is reversed when the order's money went back and no reason was given."""


class AggregatorTerms(BaseModel):
    """Who sells the listing for its producers and the fee it declared up front."""

    model_config = ConfigDict(frozen=True)

    aggregator_id: Annotated[str, Field(max_length=64)]
    fee_basis_points: Annotated[int, Field(ge=0, le=MAX_FEE_BASIS_POINTS)]
    pooled: bool


class MemberShare(BaseModel):
    """Units of a line that came from one member's contribution."""

    model_config = ConfigDict(frozen=True)

    member_id: Annotated[str, Field(max_length=64)]
    quantity: Annotated[int, Field(ge=1)]


class MemberAmount(BaseModel):
    """One member's money from one line: their units and the rupiah owed for them."""

    model_config = ConfigDict(frozen=True)

    member_id: str
    quantity: int
    amount: int


class Split(BaseModel):
    """A line total divided exactly: `fee + sum(amounts) == total`."""

    model_config = ConfigDict(frozen=True)

    total: int
    fee: int
    shares: tuple[MemberAmount, ...]


class Payout(BaseModel):
    """One aggregator line of a completed order in the ledger; `reversed_at` once refunded."""

    model_config = ConfigDict(frozen=True)

    listing_id: str
    aggregator_id: str
    fee_basis_points: int
    total: int
    fee: int
    shares: tuple[MemberAmount, ...]
    accrued_at: datetime
    reversed_at: datetime | None = None
    reversal_reason: str | None = None

    @property
    def reversed(self) -> bool:
        return self.reversed_at is not None

    def share_of(self, member_id: str) -> MemberAmount | None:
        """This member's part of the payout, if they contributed to the line."""
        return next((share for share in self.shares if share.member_id == member_id), None)


class SharesMismatchError(ValueError):
    """The members' units do not add up to the line's quantity: nothing can be split."""


def split(total: int, fee_basis_points: int, shares: Sequence[MemberShare]) -> Split:
    """Divide `total` rupiah into the fee and each member's amount (largest remainder)."""
    if total < 0 or not 0 <= fee_basis_points <= BASIS_POINTS:
        raise ValueError("a total is never negative and a fee at most 100 %")
    units = sum(share.quantity for share in shares)
    if units <= 0:
        raise SharesMismatchError("no member's units to split the line over")
    denominator = BASIS_POINTS * units
    numerators = [total * fee_basis_points * units] + [
        total * (BASIS_POINTS - fee_basis_points) * share.quantity for share in shares
    ]
    parts = [numerator // denominator for numerator in numerators]
    left_over = total - sum(parts)
    by_remainder = sorted(range(len(numerators)), key=lambda i: (-(numerators[i] % denominator), i))
    for index in by_remainder[:left_over]:
        parts[index] += 1
    return Split(
        total=total,
        fee=parts[0],
        shares=tuple(
            MemberAmount(member_id=share.member_id, quantity=share.quantity, amount=amount)
            for share, amount in zip(shares, parts[1:], strict=True)
        ),
    )


def checked_shares(quantity: int, shares: Sequence[MemberShare]) -> tuple[MemberShare, ...]:
    """The shares of a line of `quantity` units, refused unless they sum to it (or are none)."""
    if shares and sum(share.quantity for share in shares) != quantity:
        raise SharesMismatchError(f"member shares do not sum to the line's {quantity} units")
    return tuple(shares)


def accrue(
    listing_id: str, terms: AggregatorTerms, total: int, shares: Sequence[MemberShare], at: datetime
) -> Payout:
    """The payout of one completed aggregator line."""
    parts = split(total, terms.fee_basis_points, shares)
    return Payout(
        listing_id=listing_id,
        aggregator_id=terms.aggregator_id,
        fee_basis_points=terms.fee_basis_points,
        total=parts.total,
        fee=parts.fee,
        shares=parts.shares,
        accrued_at=at,
    )


def reverse_open(
    payouts: Sequence[Payout], reason: str, at: datetime
) -> tuple[list[Payout], list[str]]:
    """The payouts with every one not yet reversed now reversed, and those lines' listing ids
    (none the second time: a payout is reversed once)."""
    done, listing_ids = [], []
    for payout in payouts:
        if payout.reversed:
            done.append(payout)
            continue
        done.append(payout.model_copy(update={"reversed_at": at, "reversal_reason": reason}))
        listing_ids.append(payout.listing_id)
    return done, listing_ids
