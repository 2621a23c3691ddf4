"""Specification: a slow or overloaded service costs a caller a fast 503 with `Retry-After`.

Never a 504 after a long wait (issue 13: `POST /v1/orders` timed out after 15 s at eight in
flight). Too many requests in flight to one service are refused before they are sent (the
order-placement token comes back: nothing was placed); an answer that does not start within
the answer timeout is given up (the token stays spent: the order may have been placed, and the
client's retry with the same Idempotency-Key is a free replay).
"""

from __future__ import annotations

import asyncio

import httpx

from tests.gateway.fake_upstreams import FakeGateway, fake_gateway
from tests.support.polling import eventually

ORDER = {"lines": []}


class _Held:
    """A service that keeps every request waiting until `release()`."""

    def __init__(self) -> None:
        self._go = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await self._go.wait()
        return httpx.Response(202, json={"key": request.headers.get("idempotency-key")})

    def release(self) -> None:
        self._go.set()


def _place(gateway: FakeGateway, key: str) -> asyncio.Task[httpx.Response]:
    headers = {**gateway.bearer("buyer"), "Idempotency-Key": key}
    return asyncio.create_task(gateway.client.post("/v1/orders", json=ORDER, headers=headers))


async def _received(gateway: FakeGateway, count: int) -> None:
    async def arrived() -> bool | None:
        return True if len(gateway.services["orders"].received) >= count else None

    await eventually(arrived, within=5, interval=0.01)


class TestTooManyInFlight:
    async def test_the_excess_is_refused_at_once_and_the_rest_answered(self) -> None:
        held = _Held()
        async with fake_gateway({"orders": held}, max_in_flight=2) as gateway:
            waiting = [_place(gateway, "k-1"), _place(gateway, "k-2")]
            await _received(gateway, 2)
            refused = await _place(gateway, "k-3")
            held.release()
            answered = await asyncio.gather(*waiting)
            reached = len(gateway.services["orders"].received)

        assert refused.status_code == 503, refused.text
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("/upstream-busy")
        assert set(refused.json()["message"]) == {"id", "en"}
        assert [a.status_code for a in answered] == [202, 202]
        assert reached == 2  # the refused order never reached the service
        busy = {"service": "gateway", "upstream": "orders", "outcome": "busy"}
        assert gateway.registry.get_sample_value("lumbung_gateway_upstream_calls_total", busy) == 1

    async def test_a_refused_order_keeps_the_budget(self) -> None:
        held = _Held()
        async with fake_gateway({"orders": held}, max_in_flight=1, order_burst=2) as gateway:
            first = _place(gateway, "k-1")
            await _received(gateway, 1)
            refused = await _place(gateway, "k-2")
            held.release()
            await first
            after = await _place(gateway, "k-3")

        assert refused.status_code == 503
        assert after.status_code == 202  # k-2 got its token back; 429 if it had not

    async def test_slots_are_held_per_service(self) -> None:
        held = _Held()
        async with fake_gateway({"orders": held}, max_in_flight=1) as gateway:
            waiting = _place(gateway, "k-1")
            await _received(gateway, 1)
            other = await gateway.client.get("/v1/listings/x", headers=gateway.bearer("buyer"))
            held.release()
            await waiting

        assert other.status_code == 200  # listings has its own bound


class TestSlowAnswer:
    async def test_an_answer_that_does_not_start_in_time_is_a_503_with_retry_after(self) -> None:
        held = _Held()
        async with fake_gateway({"orders": held}, answer_timeout=0.2, order_burst=1) as gateway:
            slow = await _place(gateway, "k-1")
            again = await _place(gateway, "k-1")
            held.release()

        assert slow.status_code == 503, slow.text
        assert slow.json()["type"].endswith("/upstream-timeout")
        assert int(slow.headers["retry-after"]) >= 1
        assert again.status_code == 429  # the timed-out order may be placed: no refund

    async def test_the_timeout_counts_against_the_circuit(self) -> None:
        held = _Held()
        async with fake_gateway({"orders": held}, answer_timeout=0.05) as gateway:
            buyer = gateway.bearer("buyer")
            statuses = [
                (await gateway.client.get("/v1/orders/o-1", headers=buyer)).json()["type"]
                for _ in range(4)
            ]
            held.release()

        # Three timeouts in a row open the fake's circuit (consecutive_failures=3).
        assert [s.rsplit("/", 1)[1] for s in statuses] == ["upstream-timeout"] * 3 + [
            "upstream-unavailable"
        ]
