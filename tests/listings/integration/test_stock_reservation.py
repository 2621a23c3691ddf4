"""Stock reservation over events on the real Kafka and FerretDB (issue point 6 and 7).

Orders are injected as `order.placed` events straight onto the order topic; the listings
service answers on the stock topic and publishes the listing's new state on the listing topic.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Envelope, Topic

from tests.listings.integration.helpers import (
    Seller,
    about,
    collect_until,
    order_cancelled,
    order_placed,
    shallots,
)
from tests.support.clients import bearer
from tests.support.kafka import EventTap, event, publish, tap
from tests.support.mongo import database
from tests.support.polling import eventually

STOCK_TYPES = {"stock.reserved", "stock.rejected", "stock.released"}


async def stock_answers(t: EventTap, order_ids: set[str], within: float = 60) -> list[Any]:
    """Wait until every order has at least one stock answer; return all answers seen."""
    seen = await collect_until(
        t, lambda seen: {e.payload.order_id for e in _stock(seen)} >= order_ids, within
    )
    return [e for e in _stock(seen) if e.payload.order_id in order_ids]


def _stock(records: list[Any]) -> list[Envelope[Any]]:
    return [r for r in records if isinstance(r, Envelope) and r.type in STOCK_TYPES]


async def stored(stack: Stack, listing_id: str) -> dict[str, Any]:
    async with database(stack, "listings") as db:
        doc = await db.listings.find_one({"_id": listing_id})
    assert doc is not None
    return doc


class TestFiftyOrdersForTenUnits:
    async def test_exactly_ten_are_reserved_and_forty_rejected(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots(quantity_available=10, min_order=1))
        orders = [order_placed(seller.id, [(listing["id"], 1)]) for _ in range(50)]

        async with tap(stack, Topic.STOCK_EVENTS, Topic.LISTING_EVENTS) as t:
            await asyncio.gather(*(publish(stack, event(o, key=o.order_id)) for o in orders))
            answers = await stock_answers(t, {o.order_id for o in orders})
            listing_events = await collect_until(
                t, lambda seen: about(listing["id"], seen, "listing.status_changed") != []
            )

        kinds = Counter(a.type for a in answers)
        assert kinds == {"stock.reserved": 10, "stock.rejected": 40}
        assert len({a.payload.order_id for a in answers}) == 50  # one answer per order
        rejected = [a.payload for a in answers if a.type == "stock.rejected"]
        assert {r.reason for r in rejected} == {"insufficient"}
        remaining = sorted(
            a.payload.lines[0].remaining for a in answers if a.type == "stock.reserved"
        )
        assert remaining == list(range(10))  # each unit taken once, never below zero

        after = await seller.listing(listing["id"])
        assert after["quantity_available"] == 0
        assert after["status"] == "sold_out"
        doc = await stored(stack, listing["id"])
        assert len(doc["reserved_orders"]) == 10
        updates = about(listing["id"], listing_events, "listing.updated")
        assert sorted(u.quantity_available for u in updates) == list(range(10))
        changes = about(listing["id"], listing_events, "listing.status_changed")
        assert [(c.previous_status, c.status) for c in changes] == [("active", "sold_out")]


class TestRedelivery:
    async def test_a_redelivered_order_never_reserves_twice(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots(quantity_available=10))
        placed = order_placed(seller.id, [(listing["id"], 3)])
        first = event(placed, key=placed.order_id)

        async with tap(stack, Topic.STOCK_EVENTS) as t:
            await publish(stack, first)
            await publish(stack, first)  # the same event again (broker redelivery)
            await publish(stack, event(placed, key=placed.order_id))  # a re-sent copy, new id
            await stock_answers(t, {placed.order_id})
            seen = [
                e
                for e in _stock(await t.envelopes(within=3.0))
                if e.payload.order_id == placed.order_id
            ]

        assert [e.type for e in seen] == ["stock.reserved"]
        assert (await seller.listing(listing["id"]))["quantity_available"] == 7


class TestRelease:
    async def test_cancel_gives_the_units_back_once_and_resumes_a_sold_out_listing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots(quantity_available=4))
        placed = order_placed(seller.id, [(listing["id"], 4)])

        async with tap(stack, Topic.STOCK_EVENTS) as t:
            await publish(stack, event(placed, key=placed.order_id))
            await stock_answers(t, {placed.order_id})
            assert (await seller.listing(listing["id"]))["status"] == "sold_out"

            cancelled = order_cancelled(placed)
            await publish(stack, event(cancelled, key=placed.order_id))
            await publish(stack, event(cancelled, key=placed.order_id))  # cancelled twice
            await collect_until(
                t,
                lambda seen: any(
                    e.type == "stock.released" for e in _stock(seen) if _for(e, placed.order_id)
                ),
            )
            later = [e for e in _stock(await t.envelopes(within=3.0)) if _for(e, placed.order_id)]

        assert [e.type for e in later] == ["stock.reserved", "stock.released"]
        assert later[1].payload.lines[0].remaining == 4
        after = await seller.listing(listing["id"])
        assert (after["quantity_available"], after["status"]) == (4, "active")
        assert placed.order_id not in (await stored(stack, listing["id"]))["reserved_orders"]

    async def test_release_of_an_order_never_reserved_changes_nothing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots(quantity_available=5))
        ghost = order_placed(seller.id, [(listing["id"], 5)])

        async with tap(stack, Topic.STOCK_EVENTS) as t:
            await publish(stack, event(order_cancelled(ghost), key=ghost.order_id))
            # A late `order.placed` for the cancelled order must not take stock either.
            await publish(stack, event(ghost, key=ghost.order_id))
            seen = [e for e in _stock(await t.envelopes(within=4.0)) if _for(e, ghost.order_id)]

        assert seen == []
        after = await seller.listing(listing["id"])
        assert (after["quantity_available"], after["version"]) == (5, listing["version"])


class TestRejections:
    async def test_each_reason_is_reported_and_nothing_stays_held(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        plenty = await seller.lists(shallots(quantity_available=20, min_order=2))
        scarce = await seller.lists(shallots(quantity_available=1))
        paused = await seller.lists(shallots(quantity_available=9))
        response = await gateway.post(
            f"/v1/listings/{paused['id']}/status", json={"status": "paused"}, headers=seller.headers
        )
        assert response.status_code == 200, response.text
        two_lines = order_placed(seller.id, [(plenty["id"], 5), (scarce["id"], 2)])
        cases = [
            ("insufficient", two_lines),
            ("inactive", order_placed(seller.id, [(paused["id"], 1)])),
            ("below_min_order", order_placed(seller.id, [(plenty["id"], 1)])),
            ("not_found", order_placed(seller.id, [("no-such-listing", 1)])),
            ("not_found", order_placed("another-seller", [(plenty["id"], 1)])),
            ("price_changed", order_placed(seller.id, [(plenty["id"], 2)], unit_price=31000)),
        ]

        async with tap(stack, Topic.STOCK_EVENTS) as t:
            for _, placed in cases:
                await publish(stack, event(placed, key=placed.order_id))
            answers = await stock_answers(t, {placed.order_id for _, placed in cases})

        by_order = {a.payload.order_id: a for a in answers}
        for reason, placed in cases:
            answer = by_order[placed.order_id]
            assert answer.type == "stock.rejected"
            assert answer.payload.reason == reason
        assert by_order[two_lines.order_id].payload.listing_id == scarce["id"]
        price_changed = by_order[cases[-1][1].order_id].payload
        assert (price_changed.listing_id, price_changed.current_price) == (plenty["id"], 32000)
        # The first line of the refused two-line order was given back.
        assert (await seller.listing(plenty["id"]))["quantity_available"] == 20
        assert (await stored(stack, plenty["id"]))["reserved_orders"] == []


class TestAnOrderPlacedBeforeOrdersKnewTheListing:
    """Issue 12: no seller and no price on `order.placed`; listings decides and names them."""

    async def test_is_reserved_at_the_current_price_and_the_listing_is_described(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots(quantity_available=10))
        placed = order_placed(seller.id, [(listing["id"], 3)]).model_copy(
            update={"seller_id": None, "total": None}
        )
        placed = placed.model_copy(
            update={
                "lines": [line.model_copy(update={"unit_price": None}) for line in placed.lines]
            }
        )
        unknown = order_placed(seller.id, [("no-such-listing", 1)]).model_copy(
            update={"seller_id": None}
        )

        async with tap(stack, Topic.STOCK_EVENTS) as t:
            for order in (placed, unknown):
                await publish(stack, event(order, key=order.order_id))
            answers = await stock_answers(t, {placed.order_id, unknown.order_id})

        by_order = {a.payload.order_id: a for a in answers}
        reserved = by_order[placed.order_id]
        assert reserved.type == "stock.reserved"
        [held] = reserved.payload.listings
        assert (held.listing_id, held.seller_id, held.unit_price) == (
            listing["id"],
            seller.id,
            32000,
        )
        assert (held.title, held.unit, held.kind) == (listing["title"], "kg", "produce")
        assert held.origin_region == listing["origin_region"]
        assert (await seller.listing(listing["id"]))["quantity_available"] == 7
        rejected = by_order[unknown.order_id]
        assert (rejected.type, rejected.payload.reason) == ("stock.rejected", "not_found")


class TestOrdersReadModelFollowsStock:
    async def test_the_orders_service_sees_the_new_stock(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots(quantity_available=8))
        placed = order_placed(seller.id, [(listing["id"], 3)])
        await publish(stack, event(placed, key=placed.order_id))
        buyer = bearer(stack, "buyer")

        async def snapshot_with_five() -> dict[str, Any] | None:
            response = await gateway.get(
                f"/v1/orders/listing-snapshots/{listing['id']}", headers=buyer
            )
            if response.status_code != 200 or response.json()["quantity_available"] != 5:
                return None
            body: dict[str, Any] = response.json()
            return body

        snapshot = await eventually(snapshot_with_five, within=30)
        assert snapshot["version"] == listing["version"] + 1


def _for(envelope: Any, order_id: str) -> bool:
    return (
        isinstance(envelope, Envelope) and getattr(envelope.payload, "order_id", None) == order_id
    )
