"""Specification: an idempotent replay of `POST /v1/orders` costs no order-placement budget,
while new orders still run into the limit (issue 12 #12); nor does a request that may not
place one (anonymous, or a seller), which is told why every time instead of 429 (issue 14).

The fake orders service answers as the real one does: a key it has seen answers the stored 202
with `Idempotent-Replayed: true`; a new key places an order.
"""

from __future__ import annotations

import httpx

from tests.gateway.fake_upstreams import Handler, fake_gateway

BURST = 3


def _orders_service() -> Handler:
    seen: set[str] = set()

    def place(request: httpx.Request) -> httpx.Response:
        key = request.headers["idempotency-key"]
        replayed = key in seen
        seen.add(key)
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return httpx.Response(202, json={"orders": [{"key": key}]}, headers=headers)

    return place


class TestReplaysAreFree:
    async def test_many_retries_of_one_order_all_pass(self) -> None:
        async with fake_gateway({"orders": _orders_service()}, order_burst=BURST) as gateway:
            buyer = gateway.bearer("buyer")
            answers = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": "same"}
                )
                for _ in range(15)
            ]

        assert [a.status_code for a in answers] == [202] * 15
        assert [a.headers.get("idempotent-replayed") for a in answers[1:]] == ["true"] * 14

    async def test_replays_leave_the_budget_for_new_orders(self) -> None:
        async with fake_gateway({"orders": _orders_service()}, order_burst=BURST) as gateway:
            buyer = gateway.bearer("buyer")
            for _ in range(10):
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": "first"}
                )
            new = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": f"new-{i}"}
                )
                for i in range(BURST)
            ]

        # "first" spent one token; its nine replays gave theirs back: two new orders fit.
        assert [a.status_code for a in new] == [202, 202, 429]

    async def test_new_orders_still_hit_the_limit(self) -> None:
        async with fake_gateway({"orders": _orders_service()}, order_burst=BURST) as gateway:
            buyer = gateway.bearer("buyer")
            answers = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": f"k-{i}"}
                )
                for i in range(BURST + 2)
            ]
            placed = len(gateway.services["orders"].received)

        assert [a.status_code for a in answers] == [202] * BURST + [429, 429]
        assert answers[-1].json()["type"].endswith("/rate-limited")
        assert placed == BURST  # the refused ones never reached the service


class TestRetriesAfterAnOutageAreFree:
    async def test_retries_while_orders_is_away_keep_the_budget(self) -> None:
        outage = {"on": True}
        place = _orders_service()

        def away_then_back(request: httpx.Request) -> httpx.Response:
            if outage["on"]:
                raise httpx.ConnectError("connection refused", request=request)
            return place(request)

        gateway_of = fake_gateway({"orders": away_then_back}, order_burst=BURST, breaker_cooldown=0)
        async with gateway_of as gateway:
            buyer = gateway.bearer("buyer")
            # Twice the burst in retries, each a refused connection (no cooldown: every one is
            # let through as the breaker's trial); none placed an order.
            during = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": "k-1"}
                )
                for _ in range(2 * BURST)
            ]
            outage["on"] = False
            after = await gateway.client.post(
                "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": "k-1"}
            )
            new = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": f"n-{i}"}
                )
                for i in range(BURST)
            ]

        assert [a.status_code for a in during] == [503] * (2 * BURST)
        assert after.status_code == 202
        # k-1 spent the one token it placed an order with; two new orders still fit.
        assert [a.status_code for a in new] == [202, 202, 429]

    async def test_a_503_from_orders_itself_keeps_the_budget(self) -> None:
        def not_ready(request: httpx.Request) -> httpx.Response:
            return httpx.Response(503, json={"type": "about:blank", "status": 503})

        async with fake_gateway({"orders": not_ready}, order_burst=BURST) as gateway:
            buyer = gateway.bearer("buyer")
            answers = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": "k-1"}
                )
                for _ in range(2 * BURST)
            ]

        assert [a.status_code for a in answers] == [503] * (2 * BURST)


class TestCheckoutSheddingIsFree:
    async def test_the_services_own_429_keeps_the_budget(self) -> None:
        """Orders answers 429 `orders-busy` when its saga backlog is full: nothing was placed,
        so the retries it asks for (with `Retry-After`) must not use up the buyer's budget."""
        busy = {"on": True}
        place = _orders_service()

        def shedding_then_free(request: httpx.Request) -> httpx.Response:
            if busy["on"]:
                problem = {"type": "https://lumbung.id/problems/orders-busy", "status": 429}
                return httpx.Response(429, json=problem, headers={"Retry-After": "1"})
            return place(request)

        async with fake_gateway({"orders": shedding_then_free}, order_burst=BURST) as gateway:
            buyer = gateway.bearer("buyer")
            during = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": "k-1"}
                )
                for _ in range(2 * BURST)
            ]
            busy["on"] = False
            after = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**buyer, "Idempotency-Key": f"n-{i}"}
                )
                for i in range(BURST + 1)
            ]

        assert [a.status_code for a in during] == [429] * (2 * BURST)
        assert all(a.json()["type"].endswith("/orders-busy") for a in during)
        assert [a.status_code for a in after] == [202] * BURST + [429]
        assert after[-1].json()["type"].endswith("/rate-limited")


class TestOnlyBuyersSpendTheBudget:
    async def test_an_anonymous_order_is_401_however_often_it_is_tried(self) -> None:
        """No order is placed without a buyer's account: the gateway says "sign in" itself,
        every time, and orders never sees the request."""
        async with fake_gateway({"orders": _orders_service()}, order_burst=BURST) as gateway:
            answers = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={"Idempotency-Key": f"k-{i}"}
                )
                for i in range(3 * BURST)
            ]
            reached = len(gateway.services["orders"].received)

        assert [a.status_code for a in answers] == [401] * (3 * BURST)
        assert all(a.json()["type"].endswith("/unauthenticated") for a in answers)
        assert reached == 0

    async def test_a_seller_refused_by_orders_keeps_being_told_403(self) -> None:
        """Orders refuses a farmer's checkout (403): nothing was placed, so her retries are
        told why again, not 429 once the budget would have run dry."""

        def buyers_only(request: httpx.Request) -> httpx.Response:
            return httpx.Response(403, json={"type": "about:blank", "status": 403})

        async with fake_gateway({"orders": buyers_only}, order_burst=BURST) as gateway:
            farmer = gateway.bearer("farmer")
            answers = [
                await gateway.client.post(
                    "/v1/orders", json={}, headers={**farmer, "Idempotency-Key": f"k-{i}"}
                )
                for i in range(2 * BURST)
            ]

        assert [a.status_code for a in answers] == [403] * (2 * BURST)
