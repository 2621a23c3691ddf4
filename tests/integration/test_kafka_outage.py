"""Readiness tells the truth about Kafka, and the services recover when the broker returns.

Runs on a stack of its own: stopping the broker would disturb every other test.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from devstack.stack import Stack

from tests.integration.test_listing_reaches_orders import SHALLOTS, snapshot_in_orders
from tests.support.clients import bearer
from tests.support.polling import eventually
from tests.support.stacks import private_stack

SERVICES = ("listings", "orders", "weather_alerts", "gateway")


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with private_stack(tmp_path_factory, "outage") as stack:
        yield stack


async def readiness(client: httpx.AsyncClient, stack: Stack, service: str) -> httpx.Response:
    return await client.get(f"{stack.url(service)}/readyz")


class TestKafkaOutage:
    async def test_readyz_turns_503_without_kafka_and_recovers_with_it(
        self, own_stack: Stack
    ) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            for service in ("listings", "orders"):
                assert (await readiness(client, own_stack, service)).status_code == 200

            own_stack.kafka.stop()
            for service in ("listings", "orders"):
                down = await readiness(client, own_stack, service)
                assert down.status_code == 503
                assert down.headers["content-type"] == "application/problem+json"
                assert "kafka" in down.json()["reasons"]

            own_stack.kafka.start()

            async def ready_again() -> bool | None:
                codes = [(await readiness(client, own_stack, s)).status_code for s in SERVICES]
                return True if set(codes) == {200} else None

            await eventually(ready_again, within=60)

    async def test_events_flow_again_after_the_broker_returns(self, own_stack: Stack) -> None:
        async with httpx.AsyncClient(base_url=own_stack.url("gateway"), timeout=30) as gateway:
            created = await gateway.post(
                "/v1/listings", json=SHALLOTS, headers=bearer(own_stack, "farmer")
            )
            assert created.status_code == 201
            buyer = bearer(own_stack, "buyer")
            await eventually(
                lambda: snapshot_in_orders(gateway, buyer, created.json()["id"]), within=60
            )
