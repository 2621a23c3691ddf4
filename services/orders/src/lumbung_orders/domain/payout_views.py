"""What the payout ledger shows: a member their own money, a cooperative its statement.

Pure rules over completed orders' payouts (`domain.payouts`). A member sees only their own part
of each payout (quantity and amount), never another member's, plus the fee rate declared to
them; a cooperative sees every member of its own payouts; admins audit any cooperative. A
payout belongs to the period it accrued in; its reversal (a refund, perhaps later) is shown
against it, so a past period's owed money can go down.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final

from lumbung_shared.errors import DomainError, ForbiddenError, Message
from lumbung_shared.identity import Identity, Role
from pydantic import BaseModel, ConfigDict

from lumbung_orders.domain.order import Order

MAX_PERIOD: Final = timedelta(days=93)
"""About a quarter: a statement is read per month or quarter, and each read scans the orders
(FerretDB indexes only `_id`), so the period bounds the work."""
MAX_ORDERS: Final = 2_000
"""Orders one read considers; beyond it the answer says `truncated` (ask a shorter period)."""
ACCRUED: Final = Message(id="terutang", en="owed")
REVERSED: Final = Message(id="dibatalkan (dana pembeli dikembalikan)", en="reversed (refunded)")


class MemberEntry(BaseModel):
    """One sale of a member's stock: an order line of a cooperative and what they are owed."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    listing_id: str
    title: str | None
    aggregator_id: str
    fee_basis_points: int
    quantity: int
    amount: int
    accrued_at: datetime
    reversed_at: datetime | None
    reversal_reason: str | None
    status: Message

    @property
    def owed(self) -> int:
        return 0 if self.reversed_at is not None else self.amount


class MemberStatement(BaseModel):
    """Per member of a cooperative over a period: units sold and money accrued/reversed."""

    member_id: str
    quantity: int = 0
    accrued: int = 0
    reversed: int = 0
    owed: int = 0


class AggregatorStatement(BaseModel):
    """A cooperative's period: sales, its fee, and each member's money (`owed` net of refunds)."""

    aggregator_id: str
    orders: int = 0
    sales: int = 0
    fee: int = 0
    fee_reversed: int = 0
    members: list[MemberStatement] = []
    paid_to_members: int = 0


def check_period(start: datetime, end: datetime) -> None:
    """A period runs forward and lasts at most `MAX_PERIOD` (else 422)."""
    if end <= start or end - start > MAX_PERIOD:
        raise DomainError(
            "period-invalid",
            Message(
                id="Periode harus maju dan paling lama 93 hari.",
                en="The period must run forward and last at most 93 days.",
            ),
            status=422,
            extra={"max_days": MAX_PERIOD.days},
        )


def member_of(caller: Identity) -> str:
    """Only farmers and fishers have a member's payouts (their own)."""
    if not caller.is_seller:
        raise ForbiddenError()
    return caller.subject


def statement_owner(caller: Identity, aggregator_id: str | None) -> str:
    """Whose statement the caller reads: a cooperative its own; an admin the one it names."""
    if caller.role is Role.AGGREGATOR and aggregator_id in (None, caller.subject):
        return caller.subject
    if caller.role is Role.ADMIN and aggregator_id is not None:
        return aggregator_id
    if caller.role is Role.ADMIN:
        raise DomainError(
            "aggregator-required",
            Message(id="Sebutkan aggregator_id.", en="Name the aggregator_id."),
            status=422,
        )
    raise ForbiddenError()


def member_entries(orders: Iterable[Order], member_id: str) -> list[MemberEntry]:
    """The member's own parts of these orders' payouts, order by order, line by line."""
    entries = []
    for order in orders:
        titles = {line.listing_id: line.title for line in order.lines}
        for payout in order.payouts:
            share = payout.share_of(member_id)
            if share is None:
                continue
            entries.append(
                MemberEntry(
                    order_id=order.order_id,
                    listing_id=payout.listing_id,
                    title=titles.get(payout.listing_id),
                    aggregator_id=payout.aggregator_id,
                    fee_basis_points=payout.fee_basis_points,
                    quantity=share.quantity,
                    amount=share.amount,
                    accrued_at=payout.accrued_at,
                    reversed_at=payout.reversed_at,
                    reversal_reason=payout.reversal_reason,
                    status=REVERSED if payout.reversed else ACCRUED,
                )
            )
    return entries


def aggregator_statement(orders: Iterable[Order], aggregator_id: str) -> AggregatorStatement:
    """The cooperative's payouts in these orders, summed per member (in first-sale order)."""
    result = AggregatorStatement(aggregator_id=aggregator_id)
    members: dict[str, MemberStatement] = {}
    for order in orders:
        mine = [p for p in order.payouts if p.aggregator_id == aggregator_id]
        result.orders += 1 if mine else 0
        for payout in mine:
            result.sales += payout.total
            result.fee += payout.fee
            result.fee_reversed += payout.fee if payout.reversed else 0
            for share in payout.shares:
                member = members.setdefault(
                    share.member_id, MemberStatement(member_id=share.member_id)
                )
                member.quantity += share.quantity
                member.accrued += share.amount
                member.reversed += share.amount if payout.reversed else 0
                member.owed = member.accrued - member.reversed
    result.members = list(members.values())
    result.paid_to_members = sum(member.owed for member in result.members)
    return result
