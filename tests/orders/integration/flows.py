"""Steps the order tests share: list goods, place orders, wait for the saga, read stock.

Everything goes through the gateway as a phone would; the saga runs for real (orders →
Kafka → listings → Kafka → orders).
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack

from tests.support.clients import bearer
from tests.support.polling import eventually

SHALLOTS: dict[str, Any] = {
    "kind": "produce",
    "commodity": "bawang-merah",
    "title": "Bawang merah Amuntai",
    "unit": "kg",
    "price_per_unit": 32000,
    "quantity_available": 100,
    "min_order": 1,
    "origin_region": "63.08",
}
SKIPJACK: dict[str, Any] = {
    "kind": "catch",
    "commodity": "cakalang",
    "title": "Cakalang segar Batam",
    "unit": "kg",
    "price_per_unit": 45000,
    "quantity_available": 50,
    "min_order": 1,
    "origin_region": "21.71.04",
}
DELIVERY: dict[str, Any] = {
    "method": "courier",
    "region_code": "63.08",
    "address": "Jl. Pasar Amuntai 1",
}


class Party:
    """A signed-in person: their id and fresh headers for each request (tokens are short)."""

    def __init__(self, stack: Stack, role: str) -> None:
        self.stack = stack
        self.role = role
        self.id = f"{role}-{uuid4().hex[:10]}"

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.stack, self.role, self.id)


async def new_listing(gateway: httpx.AsyncClient, seller: Party, **changes: Any) -> dict[str, Any]:
    """A live listing of `seller`, once the orders service knows it (so it can be priced)."""
    base = SKIPJACK if seller.role == "fisher" else SHALLOTS
    created = await gateway.post("/v1/listings", json={**base, **changes}, headers=seller.headers)
    assert created.status_code == 201, created.text
    listing: dict[str, Any] = created.json()

    async def known() -> dict[str, Any] | None:
        response = await gateway.get(
            f"/v1/orders/listing-snapshots/{listing['id']}", headers=seller.headers
        )
        return response.json() if response.status_code == 200 else None

    await eventually(known)
    return listing


def cart(*lines: tuple[str, int], payment: str = "cod", **extra: Any) -> dict[str, Any]:
    return {
        "lines": [{"listing_id": lid, "quantity": qty} for lid, qty in lines],
        "delivery": DELIVERY,
        "payment_method": payment,
        **extra,
    }


async def place(
    gateway: httpx.AsyncClient, buyer: Party, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    headers = {**buyer.headers, "Idempotency-Key": key or uuid4().hex}
    return await gateway.post("/v1/orders", json=body, headers=headers)


async def place_one(
    gateway: httpx.AsyncClient, buyer: Party, listing_id: str, quantity: int, payment: str = "cod"
) -> dict[str, Any]:
    """Place a one-line order and return it (pending)."""
    response = await place(gateway, buyer, cart((listing_id, quantity), payment=payment))
    assert response.status_code == 202, response.text
    orders: list[dict[str, Any]] = response.json()["orders"]
    assert len(orders) == 1
    return orders[0]


async def order_of(gateway: httpx.AsyncClient, party: Party, order_id: str) -> dict[str, Any]:
    response = await gateway.get(f"/v1/orders/{order_id}", headers=party.headers)
    assert response.status_code == 200, response.text
    order: dict[str, Any] = response.json()
    return order


async def reaches(
    gateway: httpx.AsyncClient, party: Party, order_id: str, state: str, within: float = 30
) -> dict[str, Any]:
    """The order once it is in `state` (fails after `within` seconds)."""

    async def probe() -> dict[str, Any] | None:
        order = await order_of(gateway, party, order_id)
        return order if order["state"] == state else None

    return await eventually(probe, within=within, interval=0.2)


async def act(
    gateway: httpx.AsyncClient, party: Party, order_id: str, move: str, **body: Any
) -> httpx.Response:
    return await gateway.post(
        f"/v1/orders/{order_id}/{move}", json=body or None, headers=party.headers
    )


async def stock_of(gateway: httpx.AsyncClient, seller: Party, listing_id: str) -> int:
    response = await gateway.get(f"/v1/listings/{listing_id}", headers=seller.headers)
    assert response.status_code == 200, response.text
    quantity: int = response.json()["quantity_available"]
    return quantity


async def stock_becomes(
    gateway: httpx.AsyncClient, seller: Party, listing_id: str, quantity: int
) -> int:
    """Wait until the listing's sellable stock is `quantity` (stock moves through events)."""

    async def probe() -> int | None:
        current = await stock_of(gateway, seller, listing_id)
        return current if current == quantity else None

    return await eventually(probe, within=30, interval=0.2)
