"""Buyers racing for the last units: the listing is never oversold.

The orders go through the gateway at the same moment; the listings service holds stock with
an atomic conditional update, so exactly as many orders are reserved as the stock covers and
the rest are rejected for insufficient stock.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from devstack.stack import Stack

from tests.orders.integration.flows import Party, new_listing, order_of, place_one, stock_of
from tests.support.polling import eventually


async def decided(gateway: httpx.AsyncClient, buyer: Party, order_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        order = await order_of(gateway, buyer, order_id)
        return order if order["state"] != "pending" else None

    return await eventually(probe, within=40, interval=0.2)


async def race(
    stack: Stack, gateway: httpx.AsyncClient, buyers: int, stock: int, each: int
) -> tuple[list[str], int]:
    farmer = Party(stack, "farmer")
    listing = await new_listing(gateway, farmer, quantity_available=stock)
    people = [Party(stack, "buyer") for _ in range(buyers)]
    orders = await asyncio.gather(*(place_one(gateway, p, listing["id"], each) for p in people))
    outcomes = await asyncio.gather(
        *(decided(gateway, p, o["id"]) for p, o in zip(people, orders, strict=True))
    )
    return [o["state"] for o in outcomes], await stock_of(gateway, farmer, listing["id"])


class TestRacingBuyers:
    async def test_two_buyers_for_the_last_units_exactly_one_is_reserved(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        states, left = await race(stack, gateway, buyers=2, stock=10, each=10)

        assert sorted(states) == ["rejected", "reserved"]
        assert left == 0

    async def test_many_buyers_get_no_more_than_the_stock(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        states, left = await race(stack, gateway, buyers=8, stock=3, each=1)

        assert states.count("reserved") == 3
        assert states.count("rejected") == 5
        assert left == 0
