"""Specification: bursts are cut off with 429 + Retry-After; login and ordering are stricter.

Limits are per gateway instance (token buckets in memory), so these run against the stack's one
gateway with its default limits, or an in-process gateway with tight ones.
"""

from __future__ import annotations

import asyncio
from uuid import uuid4

import httpx
from devstack.stack import Stack

from tests.gateway.conftest import InProcess
from tests.gateway.helpers import login, new_phone, register
from tests.orders.integration.flows import Party, cart, new_listing, place
from tests.support.clients import bearer


def _assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["type"].endswith("/rate-limited")


class TestBursts:
    async def test_login_burst_for_one_number_gets_429(self, gateway: httpx.AsyncClient) -> None:
        phone = new_phone()
        responses = await asyncio.gather(*(login(gateway, phone, "wrong-guess") for _ in range(8)))

        statuses = sorted(r.status_code for r in responses)
        assert 429 in statuses
        assert all(s in {401, 429} for s in statuses)
        _assert_throttled(next(r for r in responses if r.status_code == 429))

    async def test_order_placement_burst_by_one_buyer_gets_429(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        buyer = bearer(stack, "buyer")
        statuses = []
        for _ in range(12):  # the default allows 10 at once; the bodies are invalid on purpose
            response = await gateway.post("/v1/orders", json={}, headers=buyer)
            statuses.append(response.status_code)
        assert statuses[-1] == 429
        _assert_throttled(response)
        other_buyer = await gateway.post("/v1/orders", json={}, headers=bearer(stack, "buyer"))
        assert other_buyer.status_code != 429  # the bucket is the account's, not everyone's

    async def test_general_burst_per_account_gets_429(
        self, stack: Stack, inprocess_gateway: InProcess
    ) -> None:
        farmer = bearer(stack, "farmer")
        async with inprocess_gateway(account_burst=5, account_per_second=0.5) as client:
            responses = [await client.get("/v1/listings/x", headers=farmer) for _ in range(7)]
        assert [r.status_code for r in responses[:5]] == [404] * 5
        _assert_throttled(responses[-1])

    async def test_general_burst_per_address_gets_429(self, inprocess_gateway: InProcess) -> None:
        async with inprocess_gateway(ip_burst=5, ip_per_second=0.5) as client:
            responses = [await client.get("/v1/listings/x") for _ in range(7)]
        _assert_throttled(responses[-1])


class TestIdempotentRetries:
    """Issue 12 #12: a phone resending one order on a bad network is never throttled for it."""

    async def test_retries_of_one_order_are_free_while_new_orders_are_limited(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, seller)
        body = cart((listing["id"], 1))
        key = uuid4().hex

        retries = [await place(gateway, buyer, body, key) for _ in range(15)]

        assert [r.status_code for r in retries] == [202] * 15, retries[-1].text
        assert [r.headers.get("idempotent-replayed") for r in retries[1:]] == ["true"] * 14
        assert len({r.json()["orders"][0]["id"] for r in retries}) == 1

        new_orders = [await place(gateway, buyer, body) for _ in range(12)]

        # The default allows 10 at once: the retried order spent one, its 14 replays none, so
        # nine new orders fit; the twelfth would need three tokens back (18 s at 10/min).
        statuses = [r.status_code for r in new_orders]
        assert statuses[:9] == [202] * 9, new_orders[0].text
        _assert_throttled(new_orders[-1])


class TestLockout:
    async def test_repeated_wrong_passwords_lock_the_number(
        self, inprocess_gateway: InProcess
    ) -> None:
        async with inprocess_gateway(login_phone_burst=100, login_ip_burst=100) as client:
            account = await register(client)
            for _ in range(5):
                assert (await login(client, account["phone"], "wrong-guess")).status_code == 401

            locked = await login(client, account["phone"])  # even the right password waits

            assert locked.status_code == 429
            assert locked.json()["type"].endswith("/login-locked")
            assert 1 <= int(locked.headers["retry-after"]) <= 60
