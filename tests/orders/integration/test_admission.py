"""Checkout admits no more orders than the saga keeps up with (issue 13).

With listings stopped no stock decision can come, so the orders placed stay undecided and hold
their backlog slots: the checkout past the bound is answered 429 with Retry-After at once,
deterministically. Once listings is back every accepted order is decided, which frees the
slots (they would lapse only after two minutes here), and checkout admits again.
"""

from __future__ import annotations

import httpx
from devstack.stack import Stack

from tests.orders.integration.conftest import run_orders_with
from tests.orders.integration.flows import Party, cart, new_listing, place, reaches
from tests.support.stack_env import SERVICE_ENV

LIMIT = 2
BOUNDED = {
    **SERVICE_ENV["orders"],
    "ORDERS_SAGA_BACKLOG_LIMIT": str(LIMIT),
    "ORDERS_SAGA_BACKLOG_SLOT_SECONDS": "120",
}


class TestSagaBacklogAdmission:
    async def test_a_burst_past_the_bound_gets_429_and_every_accepted_order_is_decided(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=50)
        run_orders_with(stack, BOUNDED)
        try:
            stack.stop_service("listings")
            try:
                answers = [await place(gateway, buyer, cart((listing["id"], 1))) for _ in range(4)]
            finally:
                stack.start_service("listings")
            accepted = [a.json()["orders"][0]["id"] for a in answers if a.status_code == 202]
            refused = [a for a in answers if a.status_code != 202]
            for order_id in accepted:
                await reaches(gateway, buyer, order_id, "reserved", within=60)
            after = await place(gateway, buyer, cart((listing["id"], 1)))
        finally:
            run_orders_with(stack, SERVICE_ENV["orders"])

        assert len(accepted) == LIMIT
        assert [r.status_code for r in refused] == [429] * (4 - LIMIT)
        assert all(r.headers["retry-after"] == "1" for r in refused)
        assert all(r.json()["type"].endswith("/orders-busy") for r in refused)
        assert after.status_code == 202, after.text  # the decisions gave their slots back
