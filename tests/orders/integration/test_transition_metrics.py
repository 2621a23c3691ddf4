"""On the real stack, the orders process counts each order's state changes on its metrics port."""

from __future__ import annotations

import httpx
from devstack.stack import Stack
from prometheus_client.parser import text_string_to_metric_families

from tests.orders.integration.flows import Party, act, new_listing, place_one, reaches

FAMILY = "lumbung_order_transitions_total"


async def transitions(stack: Stack) -> dict[tuple[str, str], float]:
    """(from_state, to_state) → count, scraped from the orders process."""
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(stack.metrics_url("orders"))
    assert response.status_code == 200
    return {
        (sample.labels["from_state"], sample.labels["to_state"]): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == FAMILY
    }


class TestOrderTransitionMetrics:
    async def test_an_order_placed_reserved_and_confirmed_counts_each_move(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        before = await transitions(stack)
        assert ("reserved", "confirmed") in before  # every legal move is there from start-up
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        await reaches(gateway, buyer, order["id"], "reserved")
        confirmed = await act(gateway, farmer, order["id"], "confirm")
        assert confirmed.status_code == 200, confirmed.text

        after = await transitions(stack)
        grew = {move: after[move] - before.get(move, 0.0) for move in after}
        assert grew[("pending", "reserved")] >= 1
        assert grew[("reserved", "confirmed")] >= 1
