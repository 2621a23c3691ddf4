"""A payment provider, as the callback contract (`domain.callbacks`, signature v1) describes it.

It signs callbacks with the test stack's `ORDERS_PAYMENT_CALLBACK_SECRET` and sends them
through the gateway without a user token. A `SignedCallback` is the exact request on the wire,
so a test can replay it, or send it somewhere it was not signed for, as an attacker would.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
from lumbung_orders.domain.callbacks import CallbackAction, ProviderCallback, sign_callback

from tests.support.stack_env import SERVICE_ENV

SECRET = SERVICE_ENV["orders"]["ORDERS_PAYMENT_CALLBACK_SECRET"]


@dataclass(frozen=True)
class SignedCallback:
    """One callback request exactly as sent: its body and its headers."""

    body: bytes
    headers: dict[str, str]

    async def send(
        self, gateway: httpx.AsyncClient, order_id: str, action: str = "payment"
    ) -> httpx.Response:
        """POST it to `/v1/orders/{order_id}/{action}` (where it was signed for, or not)."""
        return await gateway.post(
            f"/v1/orders/{order_id}/{action}", content=self.body, headers=self.headers
        )


def signed(
    order: dict[str, Any],
    action: str = "payment",
    *,
    callback_id: str | None = None,
    sent_at: int | None = None,
    secret: str = SECRET,
    **notice: Any,
) -> SignedCallback:
    """A callback about `order` for `action`, signed as the contract says.

    The body names the order and its total unless `notice` overrides them.
    """
    body = json.dumps({"order_id": order["id"], "amount": order["total"], **notice}).encode()
    stamp = str(int(time.time()) if sent_at is None else sent_at)
    callback = ProviderCallback(
        method="POST",
        order_id=order["id"],
        action=CallbackAction(action),
        timestamp=stamp,
        callback_id=callback_id or f"evt_{uuid4().hex}",
        body=body,
    )
    return SignedCallback(
        body=body,
        headers={
            "Content-Type": "application/json",
            "X-Payment-Timestamp": stamp,
            "X-Payment-Callback-Id": callback.callback_id,
            "X-Payment-Signature": sign_callback(secret, callback),
        },
    )
