"""A reservation the seller never confirms expires by a durable, scheduled check.

The orders service runs here with a 3-second confirmation window; the sweeper finds lapsed
reservations in the database (not in an in-process timer), so the expiry happens even though
the service restarted after the order was reserved.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.orders.integration.conftest import run_orders_with
from tests.orders.integration.flows import (
    Party,
    act,
    new_listing,
    place_one,
    reaches,
    stock_becomes,
)
from tests.support.kafka import tap
from tests.support.stack_env import SERVICE_ENV

SHORT_WINDOW = {**SERVICE_ENV["orders"], "ORDERS_CONFIRM_WITHIN_SECONDS": "3"}


@pytest.fixture
def short_confirmation_window(stack: Stack, gateway: httpx.AsyncClient) -> Iterator[None]:
    del gateway  # orders is on the test settings first; then narrowed, then put back
    run_orders_with(stack, SHORT_WINDOW)
    try:
        yield
    finally:
        run_orders_with(stack, SERVICE_ENV["orders"])


class TestExpiry:
    @pytest.mark.usefixtures("short_confirmation_window")
    async def test_unconfirmed_reservation_expires_and_gives_stock_back(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=9)
        async with tap(stack, Topic.ORDER_EVENTS) as events:
            order = await place_one(gateway, buyer, listing["id"], 4)
            reserved = await reaches(gateway, buyer, order["id"], "reserved")
            await stock_becomes(gateway, farmer, listing["id"], 5)
            # A restart must not lose the deadline: it lives on the order, not in memory.
            stack.stop_service("orders")
            stack.start_service("orders")

            expired = await reaches(gateway, buyer, order["id"], "expired", within=40)
            announced = await events.wait_for(
                lambda e: getattr(e, "type", "") == "order.expired" and e.key == order["id"]
            )

        assert reserved["expires_at"] is not None
        assert expired["timeline"][-1]["reason"] == "not-confirmed-in-time"
        assert announced.payload.previous_state == "reserved"
        assert await stock_becomes(gateway, farmer, listing["id"], 9) == 9
        late = await act(gateway, farmer, order["id"], "confirm")
        assert late.status_code == 409
        assert late.json()["current_state"] == "expired"
