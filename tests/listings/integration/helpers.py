"""Shared steps of the listings integration tests: sellers, listings, orders, event taps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Envelope
from lumbung_shared.events.orders import OrderCancelled, OrderLine, OrderPlaced

from tests.support.clients import bearer
from tests.support.kafka import EventTap


def unique_word() -> str:
    """A made-up word (letters only) that only one test's listings carry."""
    return "zq" + "".join(chr(ord("a") + int(c, 16) % 26) for c in uuid4().hex[:10])


def shallots(**changes: Any) -> dict[str, Any]:
    """A valid produce listing body (shallots from Hulu Sungai Utara)."""
    return {
        "kind": "produce",
        "commodity": "bawang-merah",
        "title": "Bawang merah Amuntai",
        "description": "Panen minggu ini, kering angin.",
        "unit": "kg",
        "price_per_unit": 32000,
        "quantity_available": 100,
        "min_order": 1,
        "origin_region": "63.08",
        "tags": ["produk-lokal"],
        **changes,
    }


def skipjack(**changes: Any) -> dict[str, Any]:
    """A valid catch listing body (skipjack landed in Kepulauan Seribu)."""
    return {
        "kind": "catch",
        "commodity": "cakalang",
        "title": "Cakalang segar Pulau Pramuka",
        "unit": "kg",
        "price_per_unit": 45000,
        "quantity_available": 50,
        "origin_region": "31.01",
        **changes,
    }


class Seller:
    """A farmer or fisher with their own token, creating listings through the gateway."""

    def __init__(self, stack: Stack, gateway: httpx.AsyncClient, role: str = "farmer") -> None:
        self.id = f"{role}-{uuid4().hex[:10]}"
        self.headers = bearer(stack, role, self.id)
        self._gateway = gateway

    async def lists(self, body: dict[str, Any], **params: Any) -> dict[str, Any]:
        response = await self._gateway.post(
            "/v1/listings", json=body, headers=self.headers, params=params
        )
        assert response.status_code == 201, response.text
        listing: dict[str, Any] = response.json()
        return listing

    async def listing(self, listing_id: str) -> dict[str, Any]:
        response = await self._gateway.get(f"/v1/listings/{listing_id}", headers=self.headers)
        assert response.status_code == 200, response.text
        listing: dict[str, Any] = response.json()
        return listing


def order_placed(
    seller_id: str,
    lines: list[tuple[str, int]],
    order_id: str | None = None,
    unit_price: int = 32000,
) -> OrderPlaced:
    """An `order.placed` payload as the orders service sends it, at the price the buyer saw
    (by default that of `shallots()`: listings reserves only at the listing's current price)."""
    return OrderPlaced(
        order_id=order_id or uuid4().hex,
        buyer_id=f"buyer-{uuid4().hex[:8]}",
        seller_id=seller_id,
        state="placed",
        lines=[OrderLine(listing_id=lid, quantity=q, unit_price=unit_price) for lid, q in lines],
        total=sum(q * unit_price for _, q in lines),
        actor="buyer",
    )


def order_cancelled(placed: OrderPlaced) -> OrderCancelled:
    """The buyer cancels the order `placed`."""
    return OrderCancelled(
        **placed.model_dump(exclude={"state", "previous_state"}),
        state="cancelled",
        previous_state="reserved",
    )


async def collect_until(
    t: EventTap, done: Callable[[list[Envelope[Any]]], bool], within: float = 30.0
) -> list[Envelope[Any]]:
    """Every envelope the tap has seen, once `done(all of them)` holds.

    `EventTap.wait_for` returns at the first match and leaves the rest of that fetch unread,
    so tests that expect several events read whole batches through `envelopes` instead.
    """
    deadline = time.monotonic() + within
    while True:
        seen = await t.envelopes(within=0.3)
        if done(seen):
            return seen
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s; saw {len(seen)} events")


def about(listing_id: str, seen: list[Envelope[Any]], kind: str) -> list[Any]:
    """Payloads of events of type `kind` about one listing, in the order they came."""
    return [
        e.payload
        for e in seen
        if e.type == kind and getattr(e.payload, "listing_id", None) == listing_id
    ]
