"""A SIGKILLed orders process: its pending events go out within 2 s of it being ready again.

Before the relay leases named their instance, the documents a dead process had leased waited
out the whole lease (30 s; one order killed just after its 202 took 46 s to be reserved). Now
the restarted process, the same instance, takes its previous life's leases back in its start-up
scan, and rejoins its consumer groups as the same static member, so the saga reply reaches it
without waiting for the dead member's session to time out.

Runs on a stack of its own (127.0.0.1 only): killing orders would disturb every other test.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.outbox_leases import LEASES, lease_id

from tests.orders.integration.flows import Party, new_listing, place_one
from tests.support.mongo import database
from tests.support.polling import eventually
from tests.support.stack_env import SERVICE_ENV
from tests.support.stacks import private_stack

WITHIN_SECONDS = 2.0


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with private_stack(tmp_path_factory, "relay-restart") as stack:
        yield stack


async def state_of(stack: Stack, order_id: str) -> str:
    async with database(stack, "orders") as db:
        doc = await db.orders.find_one({"_id": order_id}, {"state": 1})
    assert doc is not None
    state: str = doc["state"]
    return state


async def seconds_until_reserved(stack: Stack, order_id: str, ready_at: float) -> float:
    async def reserved() -> float | None:
        if await state_of(stack, order_id) == "reserved":
            return time.monotonic() - ready_at
        return None

    return await eventually(reserved, within=60, interval=0.05)


def restart_orders(stack: Stack, **env: str) -> float:
    """Start orders again (with `env` on top of the test settings); when it was ready."""
    stack.service_env["orders"] = {**SERVICE_ENV["orders"], **env}
    stack.start_service("orders")
    return time.monotonic()


class TestRestartAfterSigkill:
    async def test_an_order_killed_right_after_its_202_is_reserved_within_2_s_of_ready(
        self, own_stack: Stack
    ) -> None:
        async with httpx.AsyncClient(base_url=own_stack.url("gateway"), timeout=30) as gateway:
            farmer, buyer = Party(own_stack, "farmer"), Party(own_stack, "buyer")
            listing = await new_listing(gateway, farmer, quantity_available=20)
            order = await place_one(gateway, buyer, listing["id"], 2)
            own_stack.process("orders").kill()

        ready_at = restart_orders(own_stack)

        assert await seconds_until_reserved(own_stack, order["id"], ready_at) <= WITHIN_SECONDS

    async def test_a_document_leased_by_the_dead_process_is_published_within_2_s_of_ready(
        self, own_stack: Stack
    ) -> None:
        """Deterministic: the dead life had claimed the order's outbox and not published it."""
        own_stack.stop_service("orders")
        restart_orders(own_stack, ORDERS_OUTBOX_RELAY_ENABLED="false")
        async with httpx.AsyncClient(base_url=own_stack.url("gateway"), timeout=30) as gateway:
            farmer, buyer = Party(own_stack, "farmer"), Party(own_stack, "buyer")
            listing = await new_listing(gateway, farmer, quantity_available=20)
            order = await place_one(gateway, buyer, listing["id"], 2)
        async with database(own_stack, "orders") as db:
            placed = await db.orders.find_one({"_id": order["id"]})
            assert placed is not None
            assert placed["outbox_pending"] == 1  # not published: the relay is off
            await db[LEASES].insert_one(
                {
                    "_id": lease_id(db.orders, order["id"]),
                    "until": datetime.now(UTC) + timedelta(seconds=60),
                    "owner": "the-previous-life",
                    "instance": f"orders@{socket.gethostname()}",
                }
            )
        own_stack.process("orders").kill()

        ready_at = restart_orders(own_stack)

        assert await seconds_until_reserved(own_stack, order["id"], ready_at) <= WITHIN_SECONDS

        # Reserving it wrote `order.reserved` into the same outbox a moment ago: the relay
        # drains that too, well before the 60 s lease of the previous life would have run out.
        async def drained() -> dict[str, object] | None:
            async with database(own_stack, "orders") as db:
                doc = await db.orders.find_one({"_id": order["id"]})
            assert doc is not None
            return doc if doc["outbox_pending"] == 0 and doc["outbox"] == [] else None

        await eventually(drained, within=10.0)
