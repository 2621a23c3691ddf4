"""Cooperative payouts on the real stack: a pool of five members sold first in, first out.

Five farmers each put 20 kg of shallots (33 333 rupiah/kg) into their cooperative's pool (fee
5 %). Buyers order 30 kg (cash on delivery) and 50 kg (bank transfer); a third 30 kg is
refused. As each order completes, `payout.accrued` says who is owed what: the units come from
the oldest contributions, the fee and the members' amounts sum exactly to the order's total.
Each member sees only their own money, and keeps it after leaving; the cooperative sees its
statement; a refund of a completed order reverses its payout.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic

from tests.listings.integration.test_cooperatives import Cooperative, pool_body
from tests.orders.integration.flows import Party, act, place_one, reaches
from tests.support.kafka import EventTap, tap
from tests.support.polling import eventually

PRICE = 33_333


async def known_to_orders(gateway: httpx.AsyncClient, party: Party, listing_id: str) -> None:
    async def known() -> bool | None:
        answer = await gateway.get(
            f"/v1/orders/listing-snapshots/{listing_id}", headers=party.headers
        )
        return True if answer.status_code == 200 else None

    await eventually(known)


async def accrued_for(t: EventTap, order_id: str) -> Any:
    return await t.wait_for(
        lambda e: getattr(e, "type", None) == "payout.accrued" and e.key == order_id
    )


def parts(payout: Any) -> list[tuple[str, int, int]]:
    return [(s.member_id, s.quantity, s.amount) for s in payout.shares]


class TestPoolPayouts:
    async def test_pooled_orders_pay_members_fifo_exactly_and_a_refund_reverses(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        coop = Cooperative(stack, gateway)
        await coop.declare()
        joined = [await coop.member() for _ in range(5)]
        ids = [member_id for member_id, _ in joined]
        created = await coop.lists({**pool_body(ids, 20), "price_per_unit": PRICE})
        assert created.status_code == 201, created.text
        listing_id = created.json()["id"]
        seller = Party(stack, "aggregator")
        seller.id = coop.id
        buyer, admin = Party(stack, "buyer"), Party(stack, "admin")
        await known_to_orders(gateway, buyer, listing_id)

        async with tap(stack, Topic.PAYOUT_EVENTS) as t:
            cod = await place_one(gateway, buyer, listing_id, 30)
            await reaches(gateway, buyer, cod["id"], "reserved")
            paid = await place_one(gateway, buyer, listing_id, 50, payment="bank_transfer")
            await reaches(gateway, buyer, paid["id"], "reserved")
            late = await place_one(gateway, buyer, listing_id, 30)
            refused = await reaches(gateway, buyer, late["id"], "rejected")
            for order in (cod, paid):
                for move in ("confirm", "ship"):
                    moved = await act(gateway, seller, order["id"], move)
                    assert moved.status_code == 200, moved.text
                delivered = await act(gateway, buyer, order["id"], "deliver")
                assert delivered.status_code == 200, delivered.text
            payment = await act(gateway, admin, paid["id"], "payment")
            assert payment.status_code == 200, payment.text
            first = (await accrued_for(t, cod["id"])).payload
            second = (await accrued_for(t, paid["id"])).payload

            assert refused["rejection_reason"] == "insufficient"
            # 30 kg = 999 990: fee quota 49 999.5, m1 633 327, m2 316 663.5; the one rupiah
            # left over goes to the fee (a tie with m2 goes to the fee first).
            assert (first.aggregator_id, first.total, first.fee) == (coop.id, 999_990, 50_000)
            assert parts(first) == [(ids[0], 20, 633_327), (ids[1], 10, 316_663)]
            # 50 kg = 1 666 650: fee 83 332.5 -> 83 333; 10/20/20 kg of the rest, 1 583 317.5.
            assert (second.total, second.fee) == (1_666_650, 83_333)
            assert [(m, q) for m, q, _ in parts(second)] == [
                (ids[1], 10),
                (ids[2], 20),
                (ids[3], 20),
            ]
            for payout in (first, second):
                assert payout.fee + sum(a for _, _, a in parts(payout)) == payout.total

            await self._member_sees_only_their_money(stack, gateway, joined[1], first, second)
            await self._statement_sums_the_members(gateway, coop, ids, first, second)

            # A member who leaves keeps what they are owed: the ledger is the orders'.
            first_member, first_headers = joined[0]
            left = await gateway.delete(
                f"/v1/cooperatives/memberships/{coop.id}", headers=first_headers
            )
            assert (left.status_code, left.json()["status"]) == (200, "ended")
            kept = await gateway.get("/v1/payouts/mine", headers=first_headers)
            assert kept.status_code == 200, kept.text
            assert kept.json()["owed"] == 633_327, first_member

            asked = await act(gateway, admin, paid["id"], "refund-request", reason="damaged-goods")
            assert asked.status_code == 200, asked.text
            made = await act(gateway, admin, paid["id"], "refund")
            assert made.status_code == 200, made.text
            reversed_ = await t.wait_for(
                lambda e: getattr(e, "type", None) == "payout.reversed" and e.key == paid["id"]
            )

        assert reversed_.payload.reason == "damaged-goods"
        assert parts(reversed_.payload) == parts(second)
        owed = await gateway.get("/v1/payouts/mine", headers=joined[1][1])
        assert owed.json()["owed"] == 316_663  # the refunded order's 10 kg are owed no more
        again = await act(gateway, admin, paid["id"], "refund-request", reason="damaged-goods")
        assert again.status_code == 409, again.text

    async def _member_sees_only_their_money(
        self,
        stack: Stack,
        gateway: httpx.AsyncClient,
        member: tuple[str, dict[str, str]],
        first: Any,
        second: Any,
    ) -> None:
        member_id, headers = member
        mine = await gateway.get("/v1/payouts/mine", headers=headers)
        assert mine.status_code == 200, mine.text
        body = mine.json()
        assert [(e["order_id"], e["quantity"]) for e in body["entries"]] == [
            (first.order_id, 10),
            (second.order_id, 10),
        ]
        amounts = [a for payout in (first, second) for m, _, a in parts(payout) if m == member_id]
        assert body["owed"] == body["accrued"] == sum(amounts)
        assert body["entries"][0]["status"] == {"id": "terutang", "en": "owed"}
        others = {m for payout in (first, second) for m, _, _ in parts(payout)} - {member_id}
        assert not any(other in mine.text for other in others)
        stranger = await gateway.get("/v1/payouts/mine", headers=Party(stack, "farmer").headers)
        assert stranger.json()["entries"] == []
        as_buyer = await gateway.get("/v1/payouts/mine", headers=Party(stack, "buyer").headers)
        assert as_buyer.status_code == 403, as_buyer.text

    async def _statement_sums_the_members(
        self,
        gateway: httpx.AsyncClient,
        coop: Cooperative,
        ids: list[str],
        first: Any,
        second: Any,
    ) -> None:
        now = datetime.now(UTC)
        period = {
            "from": (now - timedelta(days=1)).isoformat(),
            "to": (now + timedelta(minutes=5)).isoformat(),
        }
        answer = await gateway.get("/v1/payouts/statement", params=period, headers=coop.headers)
        assert answer.status_code == 200, answer.text
        statement = answer.json()["statement"]
        assert (statement["orders"], statement["sales"]) == (2, first.total + second.total)
        assert statement["fee"] == first.fee + second.fee
        by_member = {row["member_id"]: row for row in statement["members"]}
        assert list(by_member) == ids[:4]
        assert by_member[ids[1]]["quantity"] == 20
        assert statement["paid_to_members"] + statement["fee"] == statement["sales"]
        too_long = {**period, "from": (now - timedelta(days=100)).isoformat()}
        refused = await gateway.get("/v1/payouts/statement", params=too_long, headers=coop.headers)
        assert refused.status_code == 422, refused.text
