"""Payments as events: admin confirmation, the signed provider callback, refunds.

The provider callback comes through the gateway without a user token and is trusted only for
a valid signature (v1) over method, action path, order id, timestamp, callback id and body
digest (secret `ORDERS_PAYMENT_CALLBACK_SECRET`); each order remembers the callback ids it
answered, so a replay changes nothing.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Envelope, Topic

from tests.orders.integration.flows import Party, act, new_listing, order_of, place_one, reaches
from tests.orders.integration.provider import signed
from tests.support.kafka import EventTap, tap

REPLAYED = "idempotent-replayed"


async def reserved_order(
    stack: Stack, gateway: httpx.AsyncClient, payment: str
) -> tuple[Party, Party, dict[str, Any]]:
    farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
    listing = await new_listing(gateway, farmer, price_per_unit=20000)
    order = await place_one(gateway, buyer, listing["id"], 2, payment=payment)
    return farmer, buyer, await reaches(gateway, buyer, order["id"], "reserved")


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    """A bilingual problem+json answer with `status` and the stable `code`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith(f"/{code}")
    assert problem["message"]["id"]
    assert problem["message"]["en"]
    assert problem["message"]["id"] != problem["message"]["en"]


async def payment_events_of(events: EventTap, order_id: str) -> list[str]:
    """Types of the order's payment events up to `payment.refund_requested`, in order.

    Payment events are keyed by order id, so one partition holds them in the order they were
    written: once the refund request (the marker) is seen, everything before it has been too.
    """
    await events.wait_for(
        lambda e: getattr(e, "type", "") == "payment.refund_requested" and e.key == order_id
    )
    return [e.type for e in events.records if isinstance(e, Envelope) and e.key == order_id]


class TestAdminConfirmsTransfers:
    async def test_bank_transfer_completes_once_delivered_and_paid(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer, order = await reserved_order(stack, gateway, "bank_transfer")
        for party, move in ((farmer, "confirm"), (farmer, "ship"), (buyer, "deliver")):
            assert (await act(gateway, party, order["id"], move)).status_code == 200
        assert (await reaches(gateway, buyer, order["id"], "delivered"))["payment_status"] == (
            "unpaid"
        )

        async with tap(stack, Topic.PAYMENT_EVENTS) as events:
            paid = await act(
                gateway, Party(stack, "admin"), order["id"], "payment", reference="BCA-1"
            )
            confirmed = await events.wait_for(lambda e: getattr(e, "key", "") == order["id"])

        assert paid.status_code == 200, paid.text
        assert paid.json()["state"] == "completed"
        assert paid.json()["payment_status"] == "paid"
        assert confirmed.type == "payment.confirmed"
        assert confirmed.payload.amount == 40000

    async def test_only_admins_or_the_provider_confirm_payments(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, buyer, order = await reserved_order(stack, gateway, "ewallet")

        assert (await act(gateway, buyer, order["id"], "payment")).status_code == 403
        unsigned = await gateway.post(f"/v1/orders/{order['id']}/payment", json={})
        assert unsigned.status_code == 403

    async def test_cod_cannot_be_confirmed_before_delivery(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, _, order = await reserved_order(stack, gateway, "cod")

        response = await act(gateway, Party(stack, "admin"), order["id"], "payment")

        assert response.status_code == 409
        assert response.json()["type"].endswith("/cod-paid-on-delivery")


class TestProviderCallback:
    async def test_a_signed_callback_pays_the_order_once(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, _, order = await reserved_order(stack, gateway, "ewallet")

        async with tap(stack, Topic.PAYMENT_EVENTS) as events:
            paid = await signed(order, reference="OVO-77").send(gateway, order["id"])
            confirmed = await events.wait_for(lambda e: getattr(e, "key", "") == order["id"])

        assert paid.status_code == 200, paid.text
        assert REPLAYED not in paid.headers
        assert paid.json()["payment_status"] == "paid"
        assert (confirmed.type, confirmed.payload.amount) == ("payment.confirmed", 40000)

    async def test_a_forged_or_incomplete_callback_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, _, order = await reserved_order(stack, gateway, "bank_transfer")
        without_id = signed(order)
        del without_id.headers["X-Payment-Callback-Id"]

        forged = await signed(order, secret="not-the-secret").send(gateway, order["id"])
        no_id = await without_id.send(gateway, order["id"])
        wrong_amount = await signed(order, amount=1).send(gateway, order["id"])

        assert_problem(forged, 401, "signature-invalid")
        assert_problem(no_id, 401, "callback-id-invalid")
        assert_problem(wrong_amount, 422, "payment-mismatch")
        still = await order_of(gateway, Party(stack, "admin"), order["id"])
        assert (still["payment_status"], still["version"]) == ("unpaid", order["version"])


class TestSignaturesAreBoundToTheirRequest:
    async def test_a_paid_callback_replayed_to_refund_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, buyer, order = await reserved_order(stack, gateway, "bank_transfer")
        paid = signed(order)
        assert (await paid.send(gateway, order["id"])).status_code == 200
        cancelled = await act(gateway, buyer, order["id"], "cancel")
        assert cancelled.json()["refund_requested"] is True  # a refund could now be marked

        replayed_as_refund = await paid.send(gateway, order["id"], "refund")

        assert_problem(replayed_as_refund, 401, "signature-invalid")
        still = await order_of(gateway, buyer, order["id"])
        assert (still["payment_status"], still["version"]) == ("paid", cancelled.json()["version"])
        refunded = await signed(order, "refund").send(gateway, order["id"], "refund")
        assert refunded.status_code == 200, refunded.text
        assert refunded.json()["payment_status"] == "refunded"

    async def test_a_callback_sent_to_another_orders_url_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, _, order = await reserved_order(stack, gateway, "bank_transfer")
        _, _, other = await reserved_order(stack, gateway, "bank_transfer")

        tampered = await signed(order, order_id=other["id"]).send(gateway, other["id"])

        assert_problem(tampered, 401, "signature-invalid")
        admin = Party(stack, "admin")
        for untouched in (order, other):
            still = await order_of(gateway, admin, untouched["id"])
            assert (still["payment_status"], still["version"]) == ("unpaid", untouched["version"])

    async def test_a_stale_timestamp_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, _, order = await reserved_order(stack, gateway, "ewallet")

        stale = await signed(order, sent_at=int(time.time()) - 600).send(gateway, order["id"])

        assert_problem(stale, 401, "signature-expired")
        still = await order_of(gateway, Party(stack, "admin"), order["id"])
        assert still["payment_status"] == "unpaid"


class TestReplayedCallbacks:
    async def test_a_replay_changes_nothing_and_emits_nothing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, buyer, order = await reserved_order(stack, gateway, "ewallet")
        paid = signed(order, callback_id="ovo:trx-1")
        resigned = signed(order, callback_id="ovo:trx-1", sent_at=int(time.time()) + 1)

        async with tap(stack, Topic.PAYMENT_EVENTS) as events:
            first = await paid.send(gateway, order["id"])
            replay = await paid.send(gateway, order["id"])
            retry = await resigned.send(gateway, order["id"])
            now = await order_of(gateway, buyer, order["id"])
            assert (await act(gateway, buyer, order["id"], "cancel")).status_code == 200
            emitted = await payment_events_of(events, order["id"])

        assert first.status_code == 200, first.text
        assert REPLAYED not in first.headers
        for again in (replay, retry):
            assert again.status_code == 200, again.text
            assert again.headers[REPLAYED] == "true"
            assert again.json() == first.json()
        assert (now["version"], now["timeline"]) == (
            first.json()["version"],
            first.json()["timeline"],
        )
        assert emitted == ["payment.confirmed", "payment.refund_requested"]

    async def test_two_copies_racing_apply_once(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, buyer, order = await reserved_order(stack, gateway, "bank_transfer")
        paid = signed(order)

        async with tap(stack, Topic.PAYMENT_EVENTS) as events:
            answers = await asyncio.gather(*(paid.send(gateway, order["id"]) for _ in range(2)))
            assert (await act(gateway, buyer, order["id"], "cancel")).status_code == 200
            emitted = await payment_events_of(events, order["id"])

        assert [a.status_code for a in answers] == [200, 200]
        assert sorted(a.headers.get(REPLAYED, "applied") for a in answers) == ["applied", "true"]
        assert emitted == ["payment.confirmed", "payment.refund_requested"]


class TestRefunds:
    async def test_cancelling_a_paid_order_requests_a_refund(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, buyer, order = await reserved_order(stack, gateway, "bank_transfer")
        admin = Party(stack, "admin")
        assert (await act(gateway, admin, order["id"], "payment")).status_code == 200

        async with tap(stack, Topic.PAYMENT_EVENTS) as events:
            cancelled = await act(gateway, buyer, order["id"], "cancel")
            refund = await events.wait_for(
                lambda e: (
                    getattr(e, "type", "") == "payment.refund_requested" and e.key == order["id"]
                )
            )
        refunded = await act(gateway, admin, order["id"], "refund")

        assert cancelled.json()["refund_requested"] is True
        assert refund.payload.amount == 40000
        assert refunded.status_code == 200, refunded.text
        assert refunded.json()["payment_status"] == "refunded"

    async def test_a_signed_refund_callback_marks_it_refunded_once(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, buyer, order = await reserved_order(stack, gateway, "ewallet")
        assert (await signed(order).send(gateway, order["id"])).status_code == 200
        assert (await act(gateway, buyer, order["id"], "cancel")).status_code == 200
        refund = signed(order, "refund")

        async with tap(stack, Topic.PAYMENT_EVENTS) as events:
            first = await refund.send(gateway, order["id"], "refund")
            refunded = await events.wait_for(
                lambda e: getattr(e, "type", "") == "payment.refunded" and e.key == order["id"]
            )
        replay = await refund.send(gateway, order["id"], "refund")

        assert first.status_code == 200, first.text
        assert first.json()["payment_status"] == "refunded"
        assert refunded.payload.amount == 40000
        assert (replay.status_code, replay.headers[REPLAYED]) == (200, "true")
        assert replay.json()["version"] == first.json()["version"]  # no write, so no event
