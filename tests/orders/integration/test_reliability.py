"""Saga replies that come twice, late, out of order, or not at all for a while.

- A redelivered or duplicated `stock.*` reply changes nothing.
- `stock.reserved` for an order the buyer already cancelled: the order stays cancelled and
  `order.cancelled` goes out again, so listings releases the stock.
- A listings restart in the middle of a saga: the saga still finishes.
- A reply about an order nobody knows goes to the dead-letter topic with the reason.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic
from lumbung_shared.events.stock import StockLine, StockRejected, StockReserved

from tests.orders.integration.flows import (
    Party,
    act,
    new_listing,
    order_of,
    place_one,
    reaches,
    stock_becomes,
)
from tests.support.kafka import event, publish, tap
from tests.support.mongo import database
from tests.support.polling import eventually


async def handled(stack: Stack, event_id: object) -> bool | None:
    """True once the orders saga consumer recorded the event as processed."""
    async with database(stack, "orders") as db:
        mark = await db.processed_events.find_one({"_id": f"orders.stock-saga:{event_id}"})
    return True if mark is not None else None


def reserved_reply(order_id: str, listing_id: str, quantity: int) -> Any:
    line = StockLine(listing_id=listing_id, quantity=quantity, remaining=0)
    return event(StockReserved(order_id=order_id, lines=[line]), key=order_id, producer="listings")


class TestDuplicateReplies:
    async def test_duplicated_and_redelivered_replies_change_nothing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=30)
        order = await place_one(gateway, buyer, listing["id"], 10)
        before = await reaches(gateway, buyer, order["id"], "reserved")

        again = reserved_reply(order["id"], listing["id"], 10)
        late_no = event(StockRejected(order_id=order["id"], reason="insufficient"), key=order["id"])
        for reply in (again, again, late_no):
            await publish(stack, reply)
        await eventually(lambda: handled(stack, again.event_id))
        await eventually(lambda: handled(stack, late_no.event_id))

        after = await order_of(gateway, buyer, order["id"])
        assert after["state"] == "reserved"
        assert after["version"] == before["version"]
        assert after["timeline"] == before["timeline"]
        assert await stock_becomes(gateway, farmer, listing["id"], 20) == 20


class TestListingsAway:
    async def test_saga_finishes_after_a_listings_restart(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=12)
        stack.stop_service("listings")
        try:
            order = await place_one(gateway, buyer, listing["id"], 2)
            assert (await order_of(gateway, buyer, order["id"]))["state"] == "pending"
        finally:
            stack.start_service("listings")

        await reaches(gateway, buyer, order["id"], "reserved")
        assert await stock_becomes(gateway, farmer, listing["id"], 10) == 10

    async def test_reservation_arriving_after_cancel_is_released(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=8)
        async with tap(stack, Topic.ORDER_EVENTS) as events:
            stack.stop_service("listings")
            try:
                order = await place_one(gateway, buyer, listing["id"], 8)
                cancelled = await act(gateway, buyer, order["id"], "cancel")
                assert cancelled.json()["state"] == "cancelled"
            finally:
                stack.start_service("listings")
            # Listings now reads `order.placed`, holds the stock and replies `stock.reserved`
            # for an order that is already cancelled: the order asks for the stock back under
            # its own name, not as a second `order.cancelled`.
            again = await events.wait_for(
                lambda e: (
                    getattr(e, "type", "") == "order.stock_release_requested"
                    and e.key == order["id"]
                    and e.payload.reason == "release-late-reservation"
                ),
                within=40,
            )

        assert again.payload.state == "cancelled"
        assert [line.quantity for line in again.payload.lines] == [8]
        assert (await order_of(gateway, buyer, order["id"]))["state"] == "cancelled"
        assert await stock_becomes(gateway, farmer, listing["id"], 8) == 8


class TestUnprocessableReplies:
    async def test_reply_for_an_unknown_order_is_dead_lettered(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        unknown = f"no-order-{uuid4().hex[:8]}"
        async with tap(stack, Topic.DEAD_LETTER) as dead:
            await publish(stack, reserved_reply(unknown, "some-listing", 1))
            record = await dead.wait_for(lambda r: getattr(r, "key", None) == unknown)

        assert record.payload.order_id == unknown
