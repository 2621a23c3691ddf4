"""Specification: a dead or hung service never hangs the gateway, and recovery needs no restart.

A stopped service is reported in `/readyz` but leaves the gateway ready (issue 12 #7): login,
listings and orders keep working while that service's routes answer a fast 503.
"""

from __future__ import annotations

import asyncio
import time

import httpx
from devstack.stack import Stack

from tests.gateway.conftest import InProcess
from tests.gateway.helpers import login, register, silent_server
from tests.support.clients import bearer
from tests.support.polling import eventually

ZONES = "/v1/zones"


async def _timed_get(
    client: httpx.AsyncClient, path: str, headers: dict[str, str]
) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = await client.get(path, headers=headers)
    return response, time.perf_counter() - started


class TestStoppedUpstream:
    async def test_503_quickly_then_recovers(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        buyer = bearer(stack, "buyer")
        account = await register(gateway)
        await asyncio.to_thread(stack.stop_service, "weather_alerts")
        try:
            first, first_seconds = await _timed_get(gateway, ZONES, buyer)
            assert first.status_code == 503, first.text
            assert first_seconds < 2.0
            assert first.headers["content-type"] == "application/problem+json"
            assert first.json()["type"].endswith("/upstream-unavailable")
            assert int(first.headers["retry-after"]) >= 1

            for _ in range(6):  # enough failures in a row to open the circuit
                await gateway.get(ZONES, headers=buyer)
            opened, opened_seconds = await _timed_get(gateway, ZONES, buyer)
            assert opened.status_code == 503
            assert opened_seconds < 0.5
            assert int(opened.headers["retry-after"]) >= 1

            ready = await gateway.get("/readyz")
            assert ready.status_code == 200, ready.text  # was 503: issue 12 #7 changes it
            assert ready.json()["upstreams"] == {
                "listings": "up",
                "orders": "up",
                "weather_alerts": "down",
            }
            other = await gateway.get("/v1/listings/missing", headers=buyer)
            assert other.status_code == 404  # the other services are unaffected
            signed_in = await login(gateway, account["phone"])
            assert signed_in.status_code == 200, signed_in.text
            orders = await gateway.get("/v1/orders", headers=buyer)
            assert orders.status_code == 200, orders.text
        finally:
            await asyncio.to_thread(stack.start_service, "weather_alerts")

        async def answered() -> httpx.Response | None:
            response = await gateway.get(ZONES, headers=buyer)
            return None if response.status_code == 503 else response

        recovered = await eventually(answered, within=40, interval=0.5)
        assert recovered.status_code < 500
        ready = await gateway.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["upstreams"]["weather_alerts"] == "up"


class TestHungUpstream:
    async def test_answers_503_with_retry_after_then_fails_fast(
        self, stack: Stack, inprocess_gateway: InProcess
    ) -> None:
        """A hung service costs the answer timeout, then a 503 with `Retry-After` (never a 504)."""
        buyer = bearer(stack, "buyer")
        async with (
            silent_server() as hung_url,
            inprocess_gateway(
                orders_url=hung_url,
                answer_timeout_seconds=0.5,
                breaker_failures=2,
                breaker_cooldown_seconds=30,
            ) as client,
        ):
            timed_out = await client.get("/v1/orders/listing-snapshots/x", headers=buyer)
            assert timed_out.status_code == 503, timed_out.text
            assert timed_out.json()["type"].endswith("/upstream-timeout")
            assert int(timed_out.headers["retry-after"]) >= 1

            await client.get("/v1/orders/listing-snapshots/x", headers=buyer)
            fast = await client.get("/v1/orders/listing-snapshots/x", headers=buyer)
            assert fast.status_code == 503
            assert fast.json()["type"].endswith("/upstream-unavailable")  # the circuit is open
            assert 1 <= int(fast.headers["retry-after"]) <= 30

            healthy = await client.get("/v1/listings/missing", headers=buyer)
            assert healthy.status_code == 404  # one hung service does not block the others
