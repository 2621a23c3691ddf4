"""Payments as events: admin confirmation, the signed provider callback, refunds.

The provider callback comes through the gateway without a user token and is trusted only for
a valid HMAC over timestamp and raw body (secret `ORDERS_PAYMENT_CALLBACK_SECRET`).
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from devstack.stack import Stack
from lumbung_orders.domain.payments import sign_callback
from lumbung_shared.events import Topic

from tests.orders.integration.flows import Party, act, new_listing, place_one, reaches
from tests.support.kafka import tap
from tests.support.stack_env import SERVICE_ENV

SECRET = SERVICE_ENV["orders"]["ORDERS_PAYMENT_CALLBACK_SECRET"]


async def callback(
    gateway: httpx.AsyncClient, order_id: str, notice: dict[str, Any], secret: str = SECRET
) -> httpx.Response:
    """POST a provider callback signed as the contract says."""
    body = json.dumps(notice).encode()
    stamp = str(int(time.time()))
    return await gateway.post(
        f"/v1/orders/{order_id}/payment",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Payment-Timestamp": stamp,
            "X-Payment-Signature": sign_callback(secret, stamp, body),
        },
    )


async def reserved_order(
    stack: Stack, gateway: httpx.AsyncClient, payment: str
) -> tuple[Party, Party, dict[str, Any]]:
    farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
    listing = await new_listing(gateway, farmer, price_per_unit=20000)
    order = await place_one(gateway, buyer, listing["id"], 2, payment=payment)
    return farmer, buyer, await reaches(gateway, buyer, order["id"], "reserved")


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
    async def test_signed_callback_pays_and_a_retry_changes_nothing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, _, order = await reserved_order(stack, gateway, "ewallet")
        notice = {"order_id": order["id"], "amount": 40000, "reference": "OVO-77"}

        first = await callback(gateway, order["id"], notice)
        again = await callback(gateway, order["id"], notice)

        assert first.status_code == 200, first.text
        assert first.json()["payment_status"] == "paid"
        assert again.status_code == 200
        assert again.json()["version"] == first.json()["version"]

    async def test_bad_signature_wrong_amount_or_other_order_is_refused(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        _, _, order = await reserved_order(stack, gateway, "bank_transfer")
        _, _, other = await reserved_order(stack, gateway, "bank_transfer")
        right = {"order_id": order["id"], "amount": 40000}

        forged = await callback(gateway, order["id"], right, secret="not-the-secret")
        wrong_amount = await callback(gateway, order["id"], {**right, "amount": 1})
        replayed_elsewhere = await callback(gateway, other["id"], right)

        assert forged.status_code == 401
        assert forged.json()["type"].endswith("/signature-invalid")
        assert wrong_amount.status_code == 422
        assert replayed_elsewhere.status_code == 422
        admin = Party(stack, "admin")
        for order_id in (order["id"], other["id"]):
            still = await reaches(gateway, admin, order_id, "reserved")
            assert still["payment_status"] == "unpaid"


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
