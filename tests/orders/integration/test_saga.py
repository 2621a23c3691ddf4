"""The stock saga and the order lifecycle on the real stack, through the gateway.

orders → `order.placed` → listings holds stock → `stock.reserved` → orders; every way an order
can end early gives the stock back (listings releases on `order.cancelled|declined|expired`),
and the happy path ends `completed` once delivered and paid.
"""

from __future__ import annotations

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.orders.integration.flows import (
    Party,
    act,
    new_listing,
    place_one,
    reaches,
    stock_becomes,
)
from tests.support.kafka import tap


class TestHappyPath:
    async def test_cod_order_goes_from_placed_to_completed(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=100)
        order = await place_one(gateway, buyer, listing["id"], 30)

        await reaches(gateway, buyer, order["id"], "reserved")
        await stock_becomes(gateway, farmer, listing["id"], 70)
        assert (await act(gateway, farmer, order["id"], "confirm")).status_code == 200
        assert (await act(gateway, farmer, order["id"], "ship")).status_code == 200
        delivered = await act(gateway, buyer, order["id"], "deliver")

        assert delivered.status_code == 200, delivered.text
        done = delivered.json()
        assert done["state"] == "completed"
        assert done["payment_status"] == "paid"
        assert [step["state"] for step in done["timeline"]] == [
            "pending",
            "reserved",
            "confirmed",
            "shipped",
            "delivered",
            "completed",
        ]
        assert await stock_becomes(gateway, farmer, listing["id"], 70) == 70

    async def test_state_events_are_published_in_order(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        async with tap(stack, Topic.ORDER_EVENTS, Topic.PAYMENT_EVENTS) as events:
            order = await place_one(gateway, buyer, listing["id"], 1)
            await reaches(gateway, buyer, order["id"], "reserved")
            await act(gateway, farmer, order["id"], "confirm")
            await act(gateway, farmer, order["id"], "ship")
            await act(gateway, buyer, order["id"], "deliver")
            await events.wait_for(
                lambda e: getattr(e, "type", "") == "order.completed" and e.key == order["id"]
            )
            seen = [e.type for e in await events.envelopes(0.5) if e.key == order["id"]]

        assert [t for t in seen if t.startswith("order.")] == [
            "order.placed",
            "order.reserved",
            "order.confirmed",
            "order.shipped",
            "order.delivered",
            "order.completed",
        ]
        assert "payment.confirmed" in seen


class TestCompensation:
    async def test_not_enough_stock_rejects_the_order_with_the_reason(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=10)
        order = await place_one(gateway, buyer, listing["id"], 11)

        rejected = await reaches(gateway, buyer, order["id"], "rejected")

        assert rejected["rejection_reason"] == "insufficient"
        assert rejected["timeline"][-1]["reason"] == "insufficient"
        assert await stock_becomes(gateway, farmer, listing["id"], 10) == 10

    async def test_declined_order_gives_its_stock_back(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=40)
        order = await place_one(gateway, buyer, listing["id"], 15)
        await reaches(gateway, buyer, order["id"], "reserved")
        await stock_becomes(gateway, farmer, listing["id"], 25)

        declined = await act(gateway, farmer, order["id"], "decline", reason="stok rusak")

        assert declined.status_code == 200, declined.text
        assert declined.json()["state"] == "declined"
        assert declined.json()["timeline"][-1]["reason"] == "stok rusak"
        assert await stock_becomes(gateway, farmer, listing["id"], 40) == 40

    async def test_buyer_cancelling_a_confirmed_order_gives_its_stock_back(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer, quantity_available=20)
        order = await place_one(gateway, buyer, listing["id"], 5)
        await reaches(gateway, buyer, order["id"], "reserved")
        await act(gateway, farmer, order["id"], "confirm")
        await stock_becomes(gateway, farmer, listing["id"], 15)

        cancelled = await act(gateway, buyer, order["id"], "cancel", reason="salah pesan")

        assert cancelled.json()["state"] == "cancelled"
        assert await stock_becomes(gateway, farmer, listing["id"], 20) == 20

    async def test_shipped_order_can_no_longer_be_cancelled(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        await reaches(gateway, buyer, order["id"], "reserved")
        await act(gateway, farmer, order["id"], "confirm")
        await act(gateway, farmer, order["id"], "ship")

        refused = await gateway.post(
            f"/v1/orders/{order['id']}/cancel",
            headers={**buyer.headers, "Accept-Language": "en"},
        )

        assert refused.status_code == 409
        problem = refused.json()
        assert problem["current_state"] == "shipped"
        assert "shipped" in problem["detail"]
        assert problem["message"]["id"].startswith("Pesanan berstatus 'dikirim'")


class TestWhoMayMove:
    async def test_buyer_cannot_confirm_and_seller_cannot_deliver(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        await reaches(gateway, buyer, order["id"], "reserved")

        assert (await act(gateway, buyer, order["id"], "confirm")).status_code == 403
        confirmed = await act(gateway, farmer, order["id"], "confirm")
        assert confirmed.status_code == 200, confirmed.text
        shipped = await act(gateway, farmer, order["id"], "ship")
        assert shipped.status_code == 200, shipped.text
        assert (await act(gateway, farmer, order["id"], "deliver")).status_code == 403

    async def test_another_seller_cannot_touch_the_order(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        await reaches(gateway, buyer, order["id"], "reserved")

        response = await act(gateway, Party(stack, "farmer"), order["id"], "confirm")

        assert response.status_code == 404
        assert (await reaches(gateway, buyer, order["id"], "reserved"))["version"] == 2
