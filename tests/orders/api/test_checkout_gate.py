"""Checkout under overload: beyond its turns a checkout waits briefly, then gets a fast 429.

The route runs on a bare app with a placement that blocks until released, so "every turn is
taken" is a state the test holds, not a race it hopes to win.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from lumbung_orders.api import orders
from lumbung_orders.api.checkout_gate import CheckoutGate, CheckoutsBusyError
from lumbung_orders.domain.pricing import PlaceOrderRequest
from lumbung_orders.domain.saga_backlog import SagaBacklogFullError
from lumbung_orders.usecases.place_order import PlacedOrders, PlaceOrder
from lumbung_shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from lumbung_shared.web.problems import install_problem_handlers
from starlette.types import Receive, Scope, Send

SECRET = b"x" * 32
CART = {
    "lines": [{"listing_id": "l-1", "quantity": 1}],
    "delivery": {"method": "pickup", "region_code": "63.08"},
    "payment_method": "cod",
}


class HeldPlacement(PlaceOrder):
    """A placement that stays in flight until the test lets it finish."""

    def __init__(self) -> None:  # no repositories: `place` is all the route calls
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def place(self, buyer_id: str, key: str, request: PlaceOrderRequest) -> PlacedOrders:
        self.entered.set()
        await self.release.wait()
        return PlacedOrders(202, {"orders": []}, replayed=False)


class SagaBehind(PlaceOrder):
    """A placement refused because this process's orders wait for their stock decisions."""

    def __init__(self) -> None:
        pass

    async def place(self, buyer_id: str, key: str, request: PlaceOrderRequest) -> PlacedOrders:
        raise SagaBacklogFullError


class State:
    def __init__(self, placing: PlaceOrder, gate: CheckoutGate) -> None:
        self.place_order = placing
        self.checkout_gate = gate


def client(placing: PlaceOrder, gate: CheckoutGate) -> httpx.AsyncClient:
    app = FastAPI()
    app.state.internal_secret = SECRET
    app.state.identity_audience = "orders"
    install_problem_handlers(app)
    app.include_router(orders.router)
    state = State(placing, gate)

    async def with_service(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"] = {"service": state}  # what the lifespan provides in the service
        await app(scope, receive, send)

    return httpx.AsyncClient(transport=httpx.ASGITransport(with_service), base_url="http://o")


async def checkout(http: httpx.AsyncClient, key: str) -> httpx.Response:
    buyer = Identity(subject="b-1", role=Role.BUYER)
    signed = sign_identity(buyer, SECRET, audience="orders", method="POST", path="/v1/orders")
    headers = {IDENTITY_HEADER: signed, "Idempotency-Key": key, "Accept-Language": "en"}
    return await http.post("/v1/orders", json=CART, headers=headers)


class TestCheckoutGate:
    async def test_a_checkout_beyond_the_turns_gets_429_with_retry_after_at_once(self) -> None:
        placing = HeldPlacement()
        async with client(
            placing, CheckoutGate(limit=1, wait_seconds=0.05, budget_seconds=30)
        ) as http:
            first = asyncio.create_task(checkout(http, "k-1"))
            await placing.entered.wait()
            refused = await checkout(http, "k-2")
            placing.release.set()
            accepted = await first
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"] == "application/problem+json"
        problem: dict[str, Any] = refused.json()
        assert problem["type"].endswith("/orders-busy")
        assert problem["detail"].startswith("Too many orders are being placed")
        assert problem["message"]["id"].startswith("Terlalu banyak pesanan")
        assert accepted.status_code == 202

    async def test_a_checkout_that_finds_a_turn_within_its_wait_is_placed(self) -> None:
        placing = HeldPlacement()
        async with client(
            placing, CheckoutGate(limit=1, wait_seconds=5, budget_seconds=30)
        ) as http:
            first = asyncio.create_task(checkout(http, "k-1"))
            await placing.entered.wait()
            second = asyncio.create_task(checkout(http, "k-2"))
            placing.release.set()
            answers = await asyncio.gather(first, second)
        assert [a.status_code for a in answers] == [202, 202]

    async def test_a_checkout_past_its_budget_is_429_and_gives_its_turn_back(self) -> None:
        placing = HeldPlacement()  # never released: a store that does not answer
        gate = CheckoutGate(limit=1, wait_seconds=0, budget_seconds=0.05)
        async with client(placing, gate) as http:
            cut_off = await checkout(http, "k-1")
        assert cut_off.status_code == 429
        assert cut_off.headers["retry-after"] == "1"
        assert "same Idempotency-Key" in cut_off.json()["detail"]
        async with gate.turn():
            pass  # its turn came back

    async def test_a_turn_is_given_back_when_the_placement_fails(self) -> None:
        gate = CheckoutGate(limit=1, wait_seconds=0, budget_seconds=30)
        with pytest.raises(RuntimeError):
            async with gate.turn():
                raise RuntimeError("store away")
        async with gate.turn():
            pass  # the failed checkout's turn came back
        async with gate.turn():
            with pytest.raises(CheckoutsBusyError):
                async with gate.turn():
                    pass


class TestSagaBacklogAnswer:
    async def test_a_checkout_refused_by_the_saga_backlog_gets_the_same_busy_answer(
        self,
    ) -> None:
        gate = CheckoutGate(limit=1, wait_seconds=0, budget_seconds=30)
        async with client(SagaBehind(), gate) as http:
            refused = await checkout(http, "k-1")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["type"].endswith("/orders-busy")
        async with gate.turn():
            pass  # the refused checkout gave its turn back
