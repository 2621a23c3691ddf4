"""The payout ledger's reads, and the admin's refund of a completed order that reverses it.

Reads check the caller and the period in the domain (`domain.payout_views`), then read the
orders whose payouts accrued in it (FerretDB scans for this filter: the period is at most 93
days and a read considers at most `MAX_ORDERS` orders, saying `truncated` beyond). The refund
is one guarded order change: `payment.refund_requested` now; `payout.reversed` in the write that
records the refund as made (`Order.mark_refunded`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lumbung_shared.identity import Identity

from lumbung_orders.domain import payout_views
from lumbung_orders.domain.access import actor_of
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.payout_views import AggregatorStatement, MemberEntry
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.usecases.order_changes import OrderChanges, change_for


@dataclass(frozen=True)
class MemberPayouts:
    """A member's entries in a period (a page of them) and the period's totals."""

    entries: list[MemberEntry]
    accrued: int
    reversed: int
    owed: int
    next_cursor: str | None
    truncated: bool


@dataclass(frozen=True)
class Statement:
    statement: AggregatorStatement
    truncated: bool


class ReadPayouts:
    """`mine` for a farmer or fisher; `statement` for a cooperative or an admin."""

    def __init__(self, orders: OrderRepository) -> None:
        self._orders = orders

    async def mine(
        self, caller: Identity, start: datetime, end: datetime, cursor: str | None, limit: int
    ) -> MemberPayouts:
        member_id = payout_views.member_of(caller)
        start, end = _utc(start), _utc(end)
        payout_views.check_period(start, end)
        orders = await self._orders.with_payouts_of(
            "payout_members", member_id, start, end, payout_views.MAX_ORDERS + 1
        )
        truncated = len(orders) > payout_views.MAX_ORDERS
        entries = payout_views.member_entries(orders[: payout_views.MAX_ORDERS], member_id)
        accrued = sum(entry.amount for entry in entries)
        owed = sum(entry.owed for entry in entries)
        first = _after(entries, cursor)
        page = entries[first : first + limit]
        more = first + limit < len(entries)
        return MemberPayouts(
            entries=page,
            accrued=accrued,
            reversed=accrued - owed,
            owed=owed,
            next_cursor=f"{page[-1].order_id}:{page[-1].listing_id}" if more and page else None,
            truncated=truncated,
        )

    async def statement(
        self, caller: Identity, aggregator_id: str | None, start: datetime, end: datetime
    ) -> Statement:
        owner = payout_views.statement_owner(caller, aggregator_id)
        start, end = _utc(start), _utc(end)
        payout_views.check_period(start, end)
        orders = await self._orders.with_payouts_of(
            "payout_aggregators", owner, start, end, payout_views.MAX_ORDERS + 1
        )
        truncated = len(orders) > payout_views.MAX_ORDERS
        found = payout_views.aggregator_statement(orders[: payout_views.MAX_ORDERS], owner)
        return Statement(found, truncated)


class RefundCompleted:
    """An admin sends a completed order's money back (a settled dispute), once."""

    def __init__(self, changes: OrderChanges) -> None:
        self._changes = changes

    async def __call__(self, order_id: str, caller: Identity, reason: str) -> StoredOrder:
        actor = actor_of(caller)

        def decide(order: Order) -> list[OrderEvent]:
            return order.refund_completed(actor, caller.subject, datetime.now(UTC), reason)

        return await change_for(self._changes, order_id, decide, caller)


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _after(entries: list[MemberEntry], cursor: str | None) -> int:
    """Where the page after `cursor` (the last entry's `order:listing`) starts; 0 if unknown."""
    if cursor is None:
        return 0
    for index, entry in enumerate(entries):
        if f"{entry.order_id}:{entry.listing_id}" == cursor:
            return index + 1
    return len(entries)
