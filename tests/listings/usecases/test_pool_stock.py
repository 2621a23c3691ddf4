"""Reserving, releasing, settling and withdrawing on a cooperative's pool, over an in-memory store.

The steps are the same version-guarded single-document writes as on any listing; what a pool
adds is recorded in that same write: whose units an order holds, and what each contribution
has left.
"""

from __future__ import annotations

from typing import Any, cast

from lumbung_listings.domain.stock_reservation import OrderParty, ReservationLine
from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.usecases.stock_lines import (
    LineRefused,
    LineTaken,
    give_back,
    settle_hold,
    take,
    withdraw_member,
)
from lumbung_shared.events import Envelope
from lumbung_shared.mongo import Document

AGGREGATOR = "coop-1"


class MemoryStock:
    """`ListingStock` over a dict: the version guard and the reservation markers."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.events: list[Envelope[Any]] = []

    async def find(self, listing_id: str) -> Document | None:
        return dict(self.doc) if listing_id == self.doc["_id"] else None

    async def change(
        self,
        doc: Document,
        fields: Document,
        guard: Document,
        marker: Document,
        events: list[Envelope[Any]],
    ) -> bool:
        del guard  # the use case checked it on the document it read; the version stands for it
        if doc["version"] != self.doc["version"]:
            return False
        self.doc.update(fields)
        orders = list(self.doc.get("reserved_orders", []))
        orders += [marker["$push"]["reserved_orders"]] if "$push" in marker else []
        pulled = marker.get("$pull", {}).get("reserved_orders")
        self.doc["reserved_orders"] = [o for o in orders if o != pulled]
        self.events.extend(events)
        return True

    async def drop_marker(self, listing_id: str, order_id: str) -> None:
        del listing_id
        self.doc["reserved_orders"] = [o for o in self.doc["reserved_orders"] if o != order_id]


def pool_doc(*sizes: int) -> Document:
    return {
        "_id": "pool-1",
        "seller_id": AGGREGATOR,
        "status": "active",
        "kind": "produce",
        "commodity": "bawang-merah",
        "title": "Bawang merah koperasi",
        "unit": "kg",
        "price_per_unit": 32000,
        "min_order": 1,
        "origin_region": "63.08",
        "quantity_available": sum(sizes),
        "reserved_orders": [],
        "version": 1,
        "deleted": False,
        "aggregator": {"aggregator_id": AGGREGATOR, "fee_basis_points": 500, "pooled": True},
        "producer_ids": [f"m{i}" for i in range(len(sizes))],
        "contributions": [
            {"id": f"c{i}", "member_id": f"m{i}", "quantity": s, "remaining": s, "withdrawn": 0}
            for i, s in enumerate(sizes)
        ],
        "pool_holds": [],
    }


async def reserve(memory: MemoryStock, order_id: str, quantity: int) -> LineTaken | LineRefused:
    party = OrderParty("buyer-1", AGGREGATOR)
    line = ReservationLine("pool-1", quantity, 32000)
    return await take(cast(ListingStock, memory), order_id, party, line)


class TestReservingOnAPool:
    async def test_shares_follow_the_oldest_contributions(self) -> None:
        memory = MemoryStock(pool_doc(20, 20, 20, 20, 20))
        first = await reserve(memory, "o-1", 30)
        second = await reserve(memory, "o-2", 50)
        third = await reserve(memory, "o-3", 30)
        assert isinstance(first, LineTaken)
        assert isinstance(second, LineTaken)
        assert [(s.member_id, s.quantity) for s in first.shares] == [("m0", 20), ("m1", 10)]
        assert [(s.member_id, s.quantity) for s in second.shares] == [
            ("m1", 10),
            ("m2", 20),
            ("m3", 20),
        ]
        assert isinstance(third, LineRefused)
        assert third.reason.value == "insufficient"
        assert memory.doc["quantity_available"] == 20

    async def test_a_repeated_order_gets_the_same_shares_and_takes_nothing(self) -> None:
        memory = MemoryStock(pool_doc(20, 20))
        await reserve(memory, "o-1", 30)
        again = await reserve(memory, "o-1", 30)
        assert isinstance(again, LineTaken)
        assert [(s.member_id, s.quantity) for s in again.shares] == [("m0", 20), ("m1", 10)]
        assert memory.doc["quantity_available"] == 10

    async def test_every_listing_event_carries_the_aggregators_terms(self) -> None:
        memory = MemoryStock(pool_doc(20))
        await reserve(memory, "o-1", 20)
        snapshot = memory.events[0].payload
        assert snapshot.aggregator is not None
        assert (snapshot.aggregator.aggregator_id, snapshot.aggregator.pooled) == (AGGREGATOR, True)


class TestReleasingOnAPool:
    async def test_units_go_back_to_their_contributions(self) -> None:
        memory = MemoryStock(pool_doc(20, 20))
        await reserve(memory, "o-1", 30)
        remaining = await give_back(cast(ListingStock, memory), "pool-1", "o-1", 30)
        assert remaining == 40
        assert [c["remaining"] for c in memory.doc["contributions"]] == [20, 20]
        assert memory.doc["pool_holds"] == []

    async def test_a_departed_members_units_do_not_come_back_on_sale(self) -> None:
        memory = MemoryStock(pool_doc(20, 20))
        await reserve(memory, "o-1", 30)
        await withdraw_member(cast(ListingStock, memory), "pool-1", "m1")
        assert memory.doc["quantity_available"] == 0
        remaining = await give_back(cast(ListingStock, memory), "pool-1", "o-1", 30)
        assert remaining == 20
        assert [(c["remaining"], c["withdrawn"]) for c in memory.doc["contributions"]] == [
            (20, 0),
            (0, 20),
        ]


class TestLeavingAndSettling:
    async def test_a_leaving_member_takes_only_unreserved_units(self) -> None:
        memory = MemoryStock(pool_doc(20, 20))
        await reserve(memory, "o-1", 30)
        await withdraw_member(cast(ListingStock, memory), "pool-1", "m1")
        await withdraw_member(cast(ListingStock, memory), "pool-1", "m1")  # a retry
        assert memory.doc["quantity_available"] == 0
        assert memory.doc["status"] == "sold_out"
        assert [h["order_id"] for h in memory.doc["pool_holds"]] == ["o-1"]

    async def test_a_members_own_listing_is_paused_when_they_leave(self) -> None:
        doc = pool_doc(20)
        doc["aggregator"]["pooled"] = False
        memory = MemoryStock(doc)
        await withdraw_member(cast(ListingStock, memory), "pool-1", "m0")
        assert memory.doc["status"] == "paused"

    async def test_a_settled_order_leaves_its_units_sold(self) -> None:
        memory = MemoryStock(pool_doc(20))
        await reserve(memory, "o-1", 5)
        await settle_hold(cast(ListingStock, memory), "pool-1", "o-1")
        assert memory.doc["pool_holds"] == []
        assert memory.doc["reserved_orders"] == []
        assert memory.doc["contributions"][0]["remaining"] == 15
