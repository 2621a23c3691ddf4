"""Reading orders: a buyer sees only their orders, a seller only orders placed with them.

Lists filter by state, page by cursor, and sync by `since`; someone else's order is a 404
(never a 403 that would confirm it exists).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from devstack.stack import Stack

from tests.orders.integration.flows import Party, act, new_listing, place_one, reaches


async def list_ids(
    gateway: httpx.AsyncClient, party: Party, **params: Any
) -> tuple[list[str], str | None]:
    response = await gateway.get("/v1/orders", params=params, headers=party.headers)
    assert response.status_code == 200, response.text
    page = response.json()
    return [o["id"] for o in page["items"]], page["next_cursor"]


class TestObjectLevelAuthorisation:
    async def test_other_buyer_and_other_seller_get_404(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        path = f"/v1/orders/{order['id']}"

        assert (await gateway.get(path, headers=buyer.headers)).status_code == 200
        assert (await gateway.get(path, headers=farmer.headers)).status_code == 200
        for stranger in (Party(stack, "buyer"), Party(stack, "farmer"), Party(stack, "fisher")):
            response = await gateway.get(path, headers=stranger.headers)
            assert response.status_code == 404, stranger.role
            assert response.json()["type"].endswith("/not-found")
        assert (await gateway.get(path, headers=Party(stack, "admin").headers)).status_code == 200
        assert (await gateway.get(path)).status_code == 401
        assert (await gateway.get(path, headers=Party(stack, "agency").headers)).status_code == 403

    async def test_someone_elses_order_cannot_be_cancelled_or_streamed(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        other = Party(stack, "buyer")

        assert (await act(gateway, other, order["id"], "cancel")).status_code == 404
        streamed = await gateway.get(f"/v1/orders/{order['id']}/events", headers=other.headers)
        assert streamed.status_code == 404
        assert (await reaches(gateway, buyer, order["id"], "reserved"))["state"] == "reserved"

    async def test_lists_hold_only_the_callers_orders(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, other_farmer = Party(stack, "farmer"), Party(stack, "farmer")
        buyer, other_buyer = Party(stack, "buyer"), Party(stack, "buyer")
        mine = await new_listing(gateway, farmer)
        theirs = await new_listing(gateway, other_farmer)
        a = await place_one(gateway, buyer, mine["id"], 1)
        b = await place_one(gateway, other_buyer, mine["id"], 1)
        c = await place_one(gateway, buyer, theirs["id"], 1)

        assert sorted((await list_ids(gateway, buyer))[0]) == sorted([a["id"], c["id"]])
        assert sorted((await list_ids(gateway, farmer))[0]) == sorted([a["id"], b["id"]])
        assert (await list_ids(gateway, other_farmer))[0] == [c["id"]]
        admin = Party(stack, "admin")
        assert (await list_ids(gateway, admin, seller_id=other_farmer.id))[0] == [c["id"]]


class TestListing:
    async def test_state_filter_cursor_paging_and_since(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        placed = [await place_one(gateway, buyer, listing["id"], 1) for _ in range(5)]
        for order in placed:
            await reaches(gateway, buyer, order["id"], "reserved")
        cancelled = await act(gateway, buyer, placed[0]["id"], "cancel")
        assert cancelled.status_code == 200

        pages, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            ids, cursor = await list_ids(gateway, farmer, **params)
            pages.append(ids)
            if cursor is None:
                break
        assert [len(p) for p in pages] == [2, 2, 1]
        assert [i for p in pages for i in p] == [o["id"] for o in reversed(placed)]

        only_cancelled, _ = await list_ids(gateway, farmer, state="cancelled")
        assert only_cancelled == [placed[0]["id"]]

        since = datetime.fromisoformat(cancelled.json()["updated_at"]).isoformat()
        changed, _ = await list_ids(gateway, buyer, since=since)
        assert changed == [placed[0]["id"]]
        future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
        assert (await list_ids(gateway, buyer, since=future))[0] == []

    async def test_bad_cursor_is_422(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        response = await gateway.get(
            "/v1/orders", params={"cursor": "not-a-cursor"}, headers=Party(stack, "buyer").headers
        )

        assert response.status_code == 422  # the shared `lumbung_shared.cursors` answer
        assert response.json()["type"].endswith("/invalid-cursor")

    async def test_detail_has_the_timeline(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        await reaches(gateway, buyer, order["id"], "reserved")
        await act(gateway, farmer, order["id"], "decline", reason="habis dipanen")

        detail = (await gateway.get(f"/v1/orders/{order['id']}", headers=buyer.headers)).json()

        steps = [(s["state"], s["actor"], s["reason"]) for s in detail["timeline"]]
        assert steps == [
            ("pending", "buyer", None),
            ("reserved", "system", None),
            ("declined", "seller", "habis dipanen"),
        ]
        assert detail["timeline"][-1]["actor_id"] == farmer.id
