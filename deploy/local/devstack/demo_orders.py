"""The demo's orders: placed with fixed Idempotency-Keys and moved to the state each should end in.

An order's moves are taken from the state it is in, so a load resumed after an interruption
neither places an order twice (the key answers the same order) nor repeats a move.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from devstack import demo_data as data
from devstack.demo_client import DemoError, Gateway, bearer

DECIDED_WITHIN_SECONDS = 30.0
CHECKOUTS = 3
STATE_AFTER = {
    "confirm": "confirmed",
    "ship": "shipped",
    "deliver": "delivered",
    "decline": "declined",
    "cancel": "cancelled",
}


async def order_to_outcome(
    gw: Gateway,
    plan: data.OrderPlan,
    *,
    listing: dict[str, Any],
    tokens: dict[str, str],
    region: str,
    checkouts: asyncio.Semaphore,
) -> str:
    """Place one order (fixed Idempotency-Key), await the stock decision, make its moves.

    At most `CHECKOUTS` orders wait for their stock decision at once: the devstack's orders
    service admits 3 undecided orders (`ORDERS_SAGA_BACKLOG_LIMIT`) and answers more with 429,
    and every retried checkout spends one of the buyer's order tokens at the gateway.
    """
    buyer = tokens[plan.buyer_phone]
    body = {
        "lines": [{"listing_id": listing["id"], "quantity": plan.quantity}],
        "delivery": {"method": "courier", "region_code": region, "address": "Jl. Pasar Baru 14"},
        "payment_method": plan.payment_method,
    }
    headers = {**bearer(buyer), "Idempotency-Key": plan.key}
    async with checkouts:
        placed = await gw.expect(
            f"order {plan.key}", "POST", "/v1/orders", 202, 200, json=body, headers=headers
        )
        order_id = placed["orders"][0]["id"]
        state = await _decided(gw, order_id, buyer)
    done = [STATE_AFTER[move] for move in plan.moves]
    start = done.index(state) + 1 if state in done else 0
    if state == "completed":
        start = len(plan.moves)
    for move in plan.moves[start:]:
        actor = bearer(buyer if move in data.BUYER_MOVES else tokens[str(listing["seller_phone"])])
        path = f"/v1/orders/{order_id}/{move}"
        targets = (STATE_AFTER[move], "completed")
        landed = functools.partial(_order_if_in, gw, order_id, actor, targets)
        send = functools.partial(gw.call, "POST", path, headers=actor)
        state = str((await gw.once(f"{move} {plan.key}", send, landed, 200))["state"])
    return state


async def _order_if_in(
    gw: Gateway, order_id: str, headers: dict[str, str], states: tuple[str, ...]
) -> dict[str, Any] | None:
    """The order if it is in one of `states` (a move the gateway timed out on took effect)."""
    order: dict[str, Any] = await gw.expect(
        "order", "GET", f"/v1/orders/{order_id}", 200, headers=headers
    )
    return order if order["state"] in states else None


async def _decided(gw: Gateway, order_id: str, token: str) -> str:
    """The order's state once the stock saga has answered it (reserved or rejected)."""
    deadline = asyncio.get_running_loop().time() + DECIDED_WITHIN_SECONDS
    while True:
        order = await gw.expect(
            "order", "GET", f"/v1/orders/{order_id}", 200, headers=bearer(token)
        )
        if order["state"] != "pending":
            return str(order["state"])
        if asyncio.get_running_loop().time() > deadline:
            raise DemoError(f"order {order_id} still pending after {DECIDED_WITHIN_SECONDS:.0f}s")
        await asyncio.sleep(0.2)
