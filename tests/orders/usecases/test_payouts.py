"""The payout use cases over in-memory stores: shares given at reservation become the ledger,
the refund of a completed order reverses it, reads page a member's own entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.order_lines import Contributions
from lumbung_orders.domain.payouts import MemberShare
from lumbung_orders.domain.states import Actor
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts
from lumbung_orders.usecases.payouts import ReadPayouts, RefundCompleted
from lumbung_orders.usecases.record_stock_reply import RecordStockReply
from lumbung_shared.errors import ForbiddenError, NotFoundError
from lumbung_shared.identity import Identity, Role

from tests.orders.domain.test_order_payouts import an_order
from tests.orders.usecases.test_people_and_money_moves import wired

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
ADMIN = Identity(subject="admin-1", role=Role.ADMIN)
M1 = Identity(subject="m1", role=Role.FARMER)
SHARES = {
    "l-1": [MemberShare(member_id="m1", quantity=20), MemberShare(member_id="m2", quantity=10)]
}


class NoAlerts:
    async def covering(self, regencies: list[str], now: datetime) -> dict[str, list[str]]:
        return {}


class Snapshots:
    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs

    async def many(self, listing_ids: list[str]) -> dict[str, dict[str, Any]]:
        return {i: self.docs[i] for i in listing_ids if i in self.docs}


class PayoutOrders:
    def __init__(self, orders: list[Order]) -> None:
        self.orders = orders
        self.asked: list[tuple[str, str]] = []

    async def with_payouts_of(
        self, party: str, party_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Order]:
        self.asked.append((party, party_id))
        return self.orders[:limit]


def completed_by_the_saga(order: Order) -> None:
    order.confirm(Actor.SELLER, "koperasi-1", NOW)
    order.ship(Actor.SELLER, "koperasi-1", NOW)
    order.deliver(Actor.BUYER, "b-1", NOW)
    order.confirm_payment(Actor.ADMIN, "admin-1", NOW)


class TestSharesAtReservation:
    async def test_become_the_members_payouts_when_the_order_completes(self) -> None:
        store, changes = wired(an_order(terms=None))
        snapshots = Snapshots(
            {
                "l-1": {
                    "aggregator": {
                        "aggregator_id": "koperasi-1",
                        "fee_basis_points": 0,
                        "pooled": True,
                    }
                }
            }
        )
        replies = RecordStockReply(
            changes,
            timedelta(hours=1),
            cast(ActiveSeaAlerts, NoAlerts()),
            cast(ListingSnapshotRepository, snapshots),
        )

        await replies.reserved("o-1", [], SHARES)
        order = store.stored.order
        completed_by_the_saga(order)

        [payout] = order.payouts
        assert [(s.member_id, s.amount) for s in payout.shares] == [
            ("m1", 766_660),
            ("m2", 383_330),
        ]
        assert payout.fee == 0


class TestRefundCompleted:
    async def test_is_an_admins_and_asks_for_the_money_back(self) -> None:
        order = an_order()
        order.on_stock_reserved(NOW)
        completed_by_the_saga(order)
        store, changes = wired(order)

        with pytest.raises(NotFoundError):  # a farmer cannot even see the order
            await RefundCompleted(changes)("o-1", M1, "damaged")
        stored = await RefundCompleted(changes)("o-1", ADMIN, "damaged")

        assert stored.order.refund_requested
        assert [e.type for e in store.events] == ["payment.refund_requested"]


class TestReads:
    async def test_a_member_reads_their_own_entries_a_page_at_a_time(self) -> None:
        orders = []
        for number in range(3):
            order = an_order().model_copy(update={"order_id": f"o-{number}"})
            order.on_stock_reserved(NOW, members=Contributions(SHARES))
            completed_by_the_saga(order)
            orders.append(order)
        repository = PayoutOrders(orders)
        reads = ReadPayouts(cast(OrderRepository, repository))

        page = await reads.mine(M1, NOW - timedelta(days=1), NOW, None, 2)
        rest = await reads.mine(M1, NOW - timedelta(days=1), NOW, page.next_cursor, 2)

        assert repository.asked[0] == ("payout_members", "m1")
        assert (len(page.entries), len(rest.entries), rest.next_cursor) == (2, 1, None)
        assert page.owed == 3 * page.entries[0].amount

    async def test_a_buyer_has_no_payouts(self) -> None:
        reads = ReadPayouts(cast(OrderRepository, PayoutOrders([])))

        with pytest.raises(ForbiddenError):
            await reads.mine(Identity(subject="b", role=Role.BUYER), NOW, NOW, None, 1)
