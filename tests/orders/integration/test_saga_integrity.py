"""The saga keeps the buyer's price, takes brand-new listings, and never leaves an order waiting
(issue 12, points 1-3), on the real stack through the gateway.

- Listings is the price authority: an order at a price the listing no longer asks ends
  `rejected` / `price_changed` with the current price, and nothing is ever reserved for it.
- An order sent the instant the listing's 201 came back is accepted and reserved.
- An `order.placed` listings never answers (listings is down) ends `rejected` / `timeout` after
  the reservation deadline; when listings comes back and reserves late, the stock goes back and
  the order stays rejected.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.orders.integration.conftest import run_orders_with
from tests.orders.integration.flows import (
    SHALLOTS,
    Party,
    cart,
    new_listing,
    order_of,
    place,
    reaches,
    stock_becomes,
    stock_of,
)
from tests.support.kafka import tap
from tests.support.stack_env import SERVICE_ENV

DEADLINE_SECONDS = 2


def _for_order(order_id: str, *types: str) -> Any:
    return lambda e: getattr(e, "type", "") in types and getattr(e, "key", None) == order_id


class TestThePriceTheBuyerSaw:
    async def test_a_price_raised_after_the_buyer_looked_rejects_with_the_new_price(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, price_per_unit=32000, quantity_available=40)
        seen = (await gateway.get(f"/v1/listings/{listing['id']}", headers=buyer.headers)).json()
        raised = await gateway.patch(
            f"/v1/listings/{listing['id']}",
            json={"price_per_unit": 35000},
            headers={**farmer.headers, "If-Match": f'"{seen["version"]}"'},
        )
        assert raised.status_code == 200, raised.text

        body = cart((listing["id"], 3))
        body["lines"][0] |= {
            "unit_price": seen["price_per_unit"],
            "listing_version": seen["version"],
        }
        async with tap(stack, Topic.STOCK_EVENTS, Topic.ORDER_EVENTS) as events:
            response = await place(gateway, buyer, body)
            assert response.status_code == 202, response.text
            order_id = response.json()["orders"][0]["id"]
            placed = await events.wait_for(_for_order(order_id, "order.placed"))
            answer = await events.wait_for(_for_order(order_id, "stock.rejected", "stock.reserved"))
            rejected = await reaches(gateway, buyer, order_id, "rejected")
            later = await events.envelopes(within=1.0)

        assert [(ln.unit_price, ln.listing_version) for ln in placed.payload.lines] == [
            (32000, seen["version"])
        ]
        assert answer.type == "stock.rejected"
        assert (answer.payload.reason, answer.payload.current_price) == ("price_changed", 35000)
        assert rejected["rejection_reason"] == "price_changed"
        assert rejected["rejected_line"] == {"listing_id": listing["id"], "current_price": 35000}
        assert rejected["lines"][0]["price_per_unit"] == 32000  # what the buyer agreed to
        assert not [e for e in later if e.type == "stock.reserved" and e.key == order_id]
        assert await stock_of(gateway, farmer, listing["id"]) == 40

    async def test_the_price_still_asked_is_reserved(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, price_per_unit=32000, quantity_available=40)
        body = cart((listing["id"], 3))
        body["lines"][0]["unit_price"] = 32000

        response = await place(gateway, buyer, body)
        assert response.status_code == 202, response.text
        reserved = await reaches(gateway, buyer, response.json()["orders"][0]["id"], "reserved")

        assert reserved["total"] == 96000
        assert await stock_becomes(gateway, farmer, listing["id"], 37) == 37


class TestBrandNewListings:
    async def test_an_order_sent_as_the_listing_is_created_is_reserved(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")

        async def list_and_order_at_once() -> httpx.Response:
            created = await gateway.post("/v1/listings", json=SHALLOTS, headers=farmer.headers)
            assert created.status_code == 201, created.text
            return await place(gateway, buyer, cart((created.json()["id"], 2)))

        answers = await asyncio.gather(*(list_and_order_at_once() for _ in range(5)))

        assert [a.status_code for a in answers] == [202] * 5, [a.text for a in answers]
        for answer in answers:
            await reaches(gateway, buyer, answer.json()["orders"][0]["id"], "reserved")


class TestReservationDeadline:
    async def test_an_order_listings_never_answers_is_rejected_for_timeout(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=12)
        short = {
            **SERVICE_ENV["orders"],
            "ORDERS_RESERVATION_DEADLINE_SECONDS": str(DEADLINE_SECONDS),
        }
        run_orders_with(stack, short)
        try:
            async with tap(stack, Topic.ORDER_EVENTS) as events:
                stack.stop_service("listings")
                try:
                    response = await place(gateway, buyer, cart((listing["id"], 5)))
                    assert response.status_code == 202, response.text
                    order_id = response.json()["orders"][0]["id"]
                    timed_out = await reaches(gateway, buyer, order_id, "rejected", within=20)
                finally:
                    stack.start_service("listings")
                # Back up, listings reads `order.placed` (and reserves), then `order.rejected`
                # (and releases); the late `stock.reserved` is answered with a release request.
                released = await events.wait_for(
                    _for_order(order_id, "order.stock_release_requested"), within=60
                )
            settled = await stock_becomes(gateway, farmer, listing["id"], 12)
            after = await order_of(gateway, buyer, order_id)
        finally:
            run_orders_with(stack, SERVICE_ENV["orders"])

        assert timed_out["rejection_reason"] == "timeout"
        assert timed_out["timeline"][-1]["reason"] == "timeout"
        assert released.payload.state == "rejected"
        assert settled == 12
        assert after["state"] == "rejected"
        assert after["rejection_reason"] == "timeout"
