"""Cooperatives on the real stack: members join by code, a pool of their stock is sold FIFO.

Five farmers each put 20 kg of shallots into their cooperative's pool (100 kg). Three buyers'
orders (30, 50, then 30 kg) arrive as `order.placed` events; `stock.reserved` says whose
stock each order got (oldest contribution first), the third is refused. Members who leave take
their unreserved stock with them; an order's release does not put a departed member's units
back on sale.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.gateway.helpers import auth, signed_in
from tests.listings.integration.helpers import (
    about,
    collect_until,
    order_cancelled,
    order_placed,
    shallots,
)
from tests.listings.integration.test_stock_reservation import stock_answers
from tests.support.clients import bearer, token_for
from tests.support.kafka import EventTap, event, publish, tap
from tests.support.polling import eventually

PROFILE = {
    "name": "Koperasi Tani Bawang Amuntai",
    "type": "koperasi",
    "home_regency": "63.08",
    "fee_basis_points": 500,
}


class Cooperative:
    """An aggregator with its token, through the gateway."""

    def __init__(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        self.id = f"aggregator-{uuid4().hex[:10]}"
        self.headers = bearer(stack, "aggregator", self.id)
        self._stack = stack
        self._gateway = gateway

    async def declare(self) -> None:
        answer = await self._gateway.put("/v1/cooperatives/me", json=PROFILE, headers=self.headers)
        assert answer.status_code == 200, answer.text

    async def invite(self) -> str:
        answer = await self._gateway.post(
            "/v1/cooperatives/me/invitations",
            json={"sent_to_phone": "+6281234567890"},
            headers=self.headers,
        )
        assert answer.status_code == 201, answer.text
        code: str = answer.json()["code"]
        return code

    async def member(self, region: str = "63.08.05") -> tuple[str, dict[str, str]]:
        """A new farmer (of `region`) who joins with a fresh code: their id and headers."""
        member_id = f"farmer-{uuid4().hex[:10]}"
        token = token_for(self._stack, "farmer", member_id, (region,))
        headers = {"Authorization": f"Bearer {token}"}
        joined = await self._gateway.post(
            "/v1/cooperatives/memberships", json={"code": await self.invite()}, headers=headers
        )
        assert joined.status_code == 201, joined.text
        assert joined.json()["fee_basis_points"] == PROFILE["fee_basis_points"]
        return member_id, headers

    async def lists(self, body: dict[str, Any]) -> httpx.Response:
        return await self._gateway.post(
            "/v1/cooperatives/me/listings", json=body, headers=self.headers
        )

    async def stock_by_member(self, listing_id: str) -> dict[str, dict[str, int]]:
        answer = await self._gateway.get(
            f"/v1/listings/{listing_id}/contributions", headers=self.headers
        )
        assert answer.status_code == 200, answer.text
        return {row.pop("member_id"): row for row in answer.json()["members"]}


def pool_body(members: list[str], each: int) -> dict[str, Any]:
    body = shallots(title="Bawang merah Koperasi Amuntai")
    del body["quantity_available"], body["origin_region"]
    return {**body, "contributions": [{"member_id": m, "quantity": each} for m in members]}


async def reserve(stack: Stack, t: EventTap, seller_id: str, listing_id: str, kg: int) -> Any:
    placed = order_placed(seller_id, [(listing_id, kg)])
    await publish(stack, event(placed, key=placed.order_id))
    (answer,) = await stock_answers(t, {placed.order_id})
    return placed, answer


async def quantity(gateway: httpx.AsyncClient, listing_id: str) -> int:
    answer = await gateway.get(f"/v1/listings/{listing_id}")
    assert answer.status_code == 200, answer.text
    available: int = answer.json()["quantity_available"]
    return available


class TestPooledShallots:
    async def test_five_members_pool_and_three_orders_are_split_first_in_first_out(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        coop = Cooperative(stack, gateway)
        await coop.declare()
        joined = [await coop.member() for _ in range(5)]
        ids = [member_id for member_id, _ in joined]
        members = [headers for _, headers in joined]

        created = await coop.lists(pool_body(ids, 20))
        assert created.status_code == 201, created.text
        listing = created.json()
        assert (listing["quantity_available"], listing["seller_type"]) == (100, "aggregator")
        assert listing["seller_id"] == coop.id
        assert listing["producer_ids"] == ids
        assert listing["aggregator"] == {
            "aggregator_id": coop.id,
            "fee_basis_points": 500,
            "pooled": True,
        }

        async with tap(stack, Topic.STOCK_EVENTS, Topic.LISTING_EVENTS) as t:
            first, thirty = await reserve(stack, t, coop.id, listing["id"], 30)
            _, fifty = await reserve(stack, t, coop.id, listing["id"], 50)
            _, refused = await reserve(stack, t, coop.id, listing["id"], 30)
            seen = await collect_until(
                t, lambda seen: len(about(listing["id"], seen, "listing.updated")) >= 2
            )

        assert thirty.type == "stock.reserved"
        assert [(s.member_id, s.quantity) for s in thirty.payload.lines[0].shares] == [
            (ids[0], 20),
            (ids[1], 10),
        ]
        assert fifty.type == "stock.reserved"
        assert [(s.member_id, s.quantity) for s in fifty.payload.lines[0].shares] == [
            (ids[1], 10),
            (ids[2], 20),
            (ids[3], 20),
        ]
        assert (refused.type, refused.payload.reason) == ("stock.rejected", "insufficient")
        updates = about(listing["id"], seen, "listing.updated")
        assert {u.aggregator.aggregator_id for u in updates} == {coop.id}
        assert {u.aggregator.fee_basis_points for u in updates} == {500}
        assert await quantity(gateway, listing["id"]) == 20

        # The fifth member leaves: their 20 kg, all unreserved, leave the pool.
        left = await gateway.delete(f"/v1/cooperatives/memberships/{coop.id}", headers=members[4])
        assert (left.status_code, left.json()["status"]) == (200, "ended")
        assert await quantity(gateway, listing["id"]) == 0

        # The second member leaves with all of their stock held by the two orders: nothing
        # leaves now, and when the first order is cancelled only the first member's 20 kg go
        # back on sale (the second member's 10 kg leave with them).
        removed = await gateway.delete(
            f"/v1/cooperatives/me/members/{ids[1]}", headers=coop.headers
        )
        assert removed.status_code == 200, removed.text
        assert await quantity(gateway, listing["id"]) == 0
        await publish(stack, event(order_cancelled(first), key=first.order_id))
        await eventually(lambda: _quantity_is(gateway, listing["id"], 20))

        by_member = await coop.stock_by_member(listing["id"])
        assert by_member[ids[0]] == {
            "contributed": 20,
            "remaining": 20,
            "held": 0,
            "sold": 0,
            "withdrawn": 0,
        }
        assert by_member[ids[1]] == {
            "contributed": 20,
            "remaining": 0,
            "held": 10,
            "sold": 0,
            "withdrawn": 10,
        }
        assert by_member[ids[4]]["withdrawn"] == 20

        own = await gateway.get(f"/v1/listings/{listing['id']}/contributions", headers=members[2])
        assert [row["member_id"] for row in own.json()["members"]] == [ids[2]]

    async def test_a_cooperative_cannot_list_for_someone_who_is_not_its_member(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        coop = Cooperative(stack, gateway)
        await coop.declare()
        member_id, _ = await coop.member()

        stranger = await coop.lists(pool_body([member_id, "farmer-stranger"], 10))
        assert stranger.status_code == 403, stranger.text
        problem = stranger.json()
        assert problem["type"].endswith("/not-a-member")
        assert problem["message"]["en"] == (
            "'farmer-stranger' is not a current member of your cooperative."
        )
        assert problem["member_id"] == "farmer-stranger"

        on_behalf = shallots(producer_id=member_id)
        del on_behalf["origin_region"]
        made = await coop.lists(on_behalf)
        assert made.status_code == 201, made.text
        assert made.json()["origin_region"] == "63.08.05"  # the member's village
        board = await gateway.get(
            "/v1/prices",
            params={"commodity": "bawang-merah", "region": "63.08", "seller_type": "aggregator"},
        )
        assert board.status_code == 200, board.text
        assert board.json()["seller_type"] == "aggregator"
        assert [(e["regency"], e["unit"]) for e in board.json()["entries"]] == [("63.08", "kg")]

        await gateway.delete(f"/v1/cooperatives/me/members/{member_id}", headers=coop.headers)
        again = await coop.lists(on_behalf)
        assert again.status_code == 403, again.text
        paused = await gateway.get(f"/v1/listings/{made.json()['id']}")
        assert paused.json()["status"] == "paused"
        resumed = await gateway.post(
            f"/v1/listings/{made.json()['id']}/status",
            json={"status": "active"},
            headers=coop.headers,
        )
        assert resumed.status_code == 403, resumed.text

    async def test_an_invitation_code_is_used_once(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        coop = Cooperative(stack, gateway)
        await coop.declare()
        code = await coop.invite()
        first = bearer(stack, "farmer", f"farmer-{uuid4().hex[:8]}")
        second = bearer(stack, "fisher", f"fisher-{uuid4().hex[:8]}")

        joined = await gateway.post(
            "/v1/cooperatives/memberships", json={"code": code}, headers=first
        )
        retried = await gateway.post(
            "/v1/cooperatives/memberships", json={"code": code}, headers=first
        )
        taken = await gateway.post(
            "/v1/cooperatives/memberships", json={"code": code}, headers=second
        )

        assert (joined.status_code, retried.status_code) == (201, 201)
        assert taken.status_code == 409
        assert taken.json()["type"].endswith("/invitation-used")
        roster = await gateway.get("/v1/cooperatives/me/members", headers=coop.headers)
        assert len(roster.json()) == 1
        audited = await gateway.get(
            f"/v1/cooperatives/{coop.id}/members", headers=bearer(stack, "admin")
        )
        assert audited.json() == roster.json()

        await gateway.delete(f"/v1/cooperatives/memberships/{coop.id}", headers=first)
        rejoined = await gateway.post(
            "/v1/cooperatives/memberships", json={"code": code}, headers=first
        )
        assert rejoined.status_code == 409  # a spent code does not renew an ended membership


async def _quantity_is(gateway: httpx.AsyncClient, listing_id: str, expected: int) -> bool | None:
    return True if await quantity(gateway, listing_id) == expected else None


class TestSigningUp:
    async def test_a_cooperative_signs_up_itself_and_its_home_is_its_region(
        self, gateway: httpx.AsyncClient
    ) -> None:
        session = await signed_in(gateway, "aggregator")  # registered with home region 63.08
        assert session["account"]["regions"] == ["63.08"]
        headers = auth(session)

        home = await gateway.put("/v1/cooperatives/me", json=PROFILE, headers=headers)
        elsewhere = await gateway.put(
            "/v1/cooperatives/me", json={**PROFILE, "home_regency": "21.71"}, headers=headers
        )

        assert home.status_code == 200, home.text
        assert home.json()["fee_basis_points"] == 500
        assert elsewhere.status_code == 422
        assert elsewhere.json()["type"].endswith("/home-regency-out-of-scope")
