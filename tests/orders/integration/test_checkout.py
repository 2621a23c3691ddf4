"""Placing orders through the gateway: exactly one order per Idempotency-Key, priced by us.

A phone that retries (same key, same body) gets the very same answer and no second order; a
key reused for another body is refused; a cart across sellers becomes one order per seller,
priced from the listing snapshots, never from the client. A listing orders does not know yet is
ordered all the same, and listings decides (issue 12): there is no "not found" window after a
listing's 201; a listing orders knows is hidden is still refused at once.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import uuid4

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.orders.integration.flows import (
    SHALLOTS,
    Party,
    act,
    cart,
    new_listing,
    order_of,
    place,
    reaches,
    stock_becomes,
)
from tests.orders.integration.test_listing_snapshots import listing_in
from tests.support.kafka import tap
from tests.support.mongo import database


async def orders_of_buyer(stack: Stack, buyer: Party) -> int:
    async with database(stack, "orders") as db:
        return await db.orders.count_documents({"buyer_id": buyer.id})


class TestIdempotentPlacement:
    async def test_retried_request_gives_one_order_and_the_same_answer(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"))
        buyer = Party(stack, "buyer")
        body = cart((listing["id"], 30))
        key = uuid4().hex

        first = await place(gateway, buyer, body, key)
        retry = await place(gateway, buyer, body, key)

        assert first.status_code == retry.status_code == 202, first.text
        assert retry.json() == first.json()
        assert retry.headers.get("idempotent-replayed") == "true"
        assert first.json()["orders"][0]["state"] == "pending"
        assert await orders_of_buyer(stack, buyer) == 1

    async def test_concurrent_retries_race_to_one_order(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"))
        buyer = Party(stack, "buyer")
        body, key = cart((listing["id"], 2)), uuid4().hex

        answers = await asyncio.gather(*(place(gateway, buyer, body, key) for _ in range(6)))

        assert {a.status_code for a in answers} == {202}
        assert len({a.json()["orders"][0]["id"] for a in answers}) == 1
        assert await orders_of_buyer(stack, buyer) == 1

    async def test_same_key_with_another_body_is_422_and_changes_nothing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"))
        buyer = Party(stack, "buyer")
        key = uuid4().hex
        assert (await place(gateway, buyer, cart((listing["id"], 3)), key)).status_code == 202

        reused = await place(gateway, buyer, cart((listing["id"], 4)), key)

        assert reused.status_code == 422
        assert reused.headers["content-type"].startswith("application/problem+json")
        assert reused.json()["type"].endswith("/idempotency-key-reused")
        assert await orders_of_buyer(stack, buyer) == 1

    async def test_keys_are_scoped_to_the_buyer(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"))
        key, body = uuid4().hex, cart((listing["id"], 1))
        one, two = Party(stack, "buyer"), Party(stack, "buyer")

        a = await place(gateway, one, body, key)
        b = await place(gateway, two, body, key)

        assert a.json()["orders"][0]["id"] != b.json()["orders"][0]["id"]

    async def test_missing_key_is_a_field_error_of_the_request(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"))
        buyer = Party(stack, "buyer")

        response = await gateway.post(
            "/v1/orders",
            json=cart((listing["id"], 1)),
            headers={**buyer.headers, "Accept-Language": "en"},
        )

        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["loc"] == ["header", "Idempotency-Key"]
        assert await orders_of_buyer(stack, buyer) == 0

    async def test_key_record_is_kept_with_its_answer(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"))
        buyer, key = Party(stack, "buyer"), uuid4().hex
        await place(gateway, buyer, cart((listing["id"], 1)), key)

        async with database(stack, "orders") as db:
            record = await db.idempotency_keys.find_one({"_id": f"{buyer.id}:{key}"})

        assert record is not None
        assert record["response"]["status"] == 202
        assert record["created_at"] is not None

    @pytest.mark.parametrize("answered", [True, False], ids=["answer-stored", "older-record"])
    async def test_a_retry_after_a_crash_before_the_order_insert_places_the_order(
        self, stack: Stack, gateway: httpx.AsyncClient, answered: bool
    ) -> None:
        # A first attempt that died between its key record and its order insert: the record
        # (with its answer, or without one as older releases wrote it) and no order.
        listing = await new_listing(gateway, Party(stack, "farmer"))
        buyer, body = Party(stack, "buyer"), cart((listing["id"], 1))
        done = await place(gateway, buyer, body, uuid4().hex)
        key, order_id = uuid4().hex, str(uuid4())
        async with database(stack, "orders") as db:
            [record] = await db.idempotency_keys.find({"buyer_id": buyer.id}).to_list(None)
            crashed = _reissued(record, buyer.id, key, order_id, answered)
            await db.idempotency_keys.insert_one(crashed)

        retry = await place(gateway, buyer, body, key)

        assert retry.status_code == 202, retry.text
        assert retry.headers.get("idempotent-replayed") == "true"
        assert [o["id"] for o in retry.json()["orders"]] == [order_id]
        assert (await order_of(gateway, buyer, order_id))["state"] in {"pending", "reserved"}
        assert done.json()["orders"][0]["id"] != order_id
        async with database(stack, "orders") as db:
            stored = await db.idempotency_keys.find_one({"_id": crashed["_id"]})
        assert stored is not None
        assert stored["response"]["body"] == retry.json()


def _reissued(
    record: dict[str, Any], buyer_id: str, key: str, order_id: str, answered: bool
) -> dict[str, Any]:
    """`record` as a first attempt under `key` would have left it, planning order `order_id`."""
    [planned] = record["plan"]
    old_id = planned["_id"]
    plan = [{**planned, "_id": order_id}]
    reissued = {**record, "_id": f"{buyer_id}:{key}", "key": key, "order_ids": [order_id]}
    reissued["plan"] = plan
    if answered:
        [shown] = record["response"]["body"]["orders"]
        assert shown["id"] == old_id
        reissued["response"] = {
            **record["response"],
            "body": {"orders": [{**shown, "id": order_id}]},
        }
    else:
        reissued.pop("response")
        reissued.pop("completed_at", None)
    return reissued


class TestPricingAndSplitting:
    async def test_cart_across_sellers_becomes_one_order_per_seller(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, fisher = Party(stack, "farmer"), Party(stack, "fisher")
        shallots = await new_listing(gateway, farmer, price_per_unit=30000)
        skipjack = await new_listing(gateway, fisher, price_per_unit=45000)
        buyer = Party(stack, "buyer")

        response = await place(gateway, buyer, cart((shallots["id"], 3), (skipjack["id"], 2)))

        assert response.status_code == 202, response.text
        orders = {o["seller_id"]: o for o in response.json()["orders"]}
        assert orders[farmer.id]["total"] == 90000
        assert orders[fisher.id]["total"] == 90000
        assert orders[fisher.id]["lines"][0]["price_per_unit"] == 45000
        assert all(o["buyer_id"] == buyer.id for o in orders.values())

    async def test_client_cannot_send_its_own_price(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"))
        body = cart((listing["id"], 1))
        body["lines"][0]["price_per_unit"] = 1

        response = await place(gateway, Party(stack, "buyer"), body)

        assert response.status_code == 422

    async def test_only_buyers_place_orders(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"))

        response = await place(gateway, Party(stack, "fisher"), cart((listing["id"], 1)))

        assert response.status_code == 403

    async def test_order_placed_event_carries_our_prices(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        listing = await new_listing(gateway, Party(stack, "farmer"), price_per_unit=31000)
        async with tap(stack, Topic.ORDER_EVENTS) as events:
            response = await place(gateway, Party(stack, "buyer"), cart((listing["id"], 5)))
            order_id = response.json()["orders"][0]["id"]
            placed = await events.wait_for(
                lambda e: getattr(e, "type", "") == "order.placed" and e.key == order_id
            )

        assert placed.payload.total == 155000
        assert placed.payload.lines[0].unit_price == 31000
        assert placed.payload.lines[0].quantity == 5


class TestListingsDecidesWhatOrdersDoesNotKnow:
    async def test_an_order_for_a_listing_that_does_not_exist_is_accepted_then_rejected_not_found(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        buyer = Party(stack, "buyer")

        response = await place(gateway, buyer, cart((f"no-such-listing-{uuid4().hex}", 1)))

        assert response.status_code == 202, response.text
        [placed] = response.json()["orders"]
        assert (placed["state"], placed["seller_id"], placed["total"]) == ("pending", None, None)
        rejected = await reaches(gateway, buyer, placed["id"], "rejected")
        assert rejected["rejection_reason"] == "not_found"

    async def test_an_order_sent_the_instant_the_listing_is_created_is_reserved(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        created = await gateway.post("/v1/listings", json=SHALLOTS, headers=farmer.headers)
        assert created.status_code == 201, created.text
        listing_id = created.json()["id"]

        response = await place(gateway, buyer, cart((listing_id, 4)))

        assert response.status_code == 202, response.text
        [placed] = response.json()["orders"]
        reserved = await reaches(gateway, buyer, placed["id"], "reserved")
        assert reserved["seller_id"] == farmer.id
        assert reserved["lines"][0]["title"] == SHALLOTS["title"]
        assert reserved["lines"][0]["price_per_unit"] == SHALLOTS["price_per_unit"]
        assert reserved["total"] == 4 * SHALLOTS["price_per_unit"]
        await stock_becomes(gateway, farmer, listing_id, SHALLOTS["quantity_available"] - 4)

    async def test_its_seller_sees_it_once_reserved_and_confirms_it(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher, buyer = Party(stack, "fisher"), Party(stack, "buyer")
        listing = await new_listing(gateway, fisher, price_per_unit=47000)
        async with database(stack, "orders") as db:  # as if its listing.created were still due
            await db.listing_snapshots.delete_one({"_id": listing["id"]})

        response = await place(gateway, buyer, cart((listing["id"], 2)))

        assert response.status_code == 202, response.text
        [placed] = response.json()["orders"]
        assert (placed["seller_id"], placed["total"]) == (None, None)
        assert placed["lines"][0]["title"] is None
        reserved = await reaches(gateway, buyer, placed["id"], "reserved")
        assert (reserved["seller_id"], reserved["total"]) == (fisher.id, 94000)
        assert reserved["lines"][0]["kind"] == "catch"
        assert reserved["lines"][0]["origin_region"] == listing["origin_region"]
        seen = await order_of(gateway, fisher, placed["id"])
        assert seen["state"] == "reserved"
        confirmed = await act(gateway, fisher, placed["id"], "confirm")
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["state"] == "confirmed"

    async def test_a_hidden_listing_orders_knows_is_refused_at_once(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, listing = await listing_in(stack, gateway, "archived")
        buyer = Party(stack, "buyer")

        response = await place(gateway, buyer, cart((listing["id"], 1)))

        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith("/listing-not-found")
        assert await orders_of_buyer(stack, buyer) == 0
