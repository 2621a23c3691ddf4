"""Many buyers placing orders through the gateway as a phone on a bad network would.

Each order has its own Idempotency-Key and is resent with the SAME key and body when the answer
is lost (connection error, timeout) or says "try again" (429, 5xx), a bounded number of times,
so the test can check that every accepted order exists exactly once however often it was sent.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack

from tests.support.clients import token_for

ACCEPTED = 202
RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})
MAX_ATTEMPTS = 40
ORDER_DEADLINE_SECONDS = 90.0
MAX_BACKOFF_SECONDS = 2.0
DELIVERY = {"method": "pickup", "region_code": "63.08"}


@dataclass(frozen=True)
class Checkout:
    """One order a buyer wants: who, which listing, how many at what price, and its key."""

    buyer_id: str
    listing_id: str
    quantity: int
    unit_price: int
    key: str = field(default_factory=lambda: uuid4().hex)

    def body(self) -> dict[str, Any]:
        line = {"listing_id": self.listing_id, "quantity": self.quantity}
        return {
            "lines": [{**line, "unit_price": self.unit_price}],
            "delivery": DELIVERY,
            "payment_method": "cod",
        }


@dataclass
class Outcome:
    """What the buyer finally heard: the order id of a 202, or the last failure."""

    checkout: Checkout
    attempts: int = 0
    order_id: str | None = None
    last_failure: str = ""


@dataclass
class Shoppers:
    """Places `checkouts` with `concurrency` in flight; `started` counts orders begun."""

    stack: Stack
    checkouts: Sequence[Checkout]
    concurrency: int
    rng: random.Random
    outcomes: list[Outcome] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    started: int = 0
    _progress: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def reached(self, started: int) -> None:
        """Return once `started` orders have been begun (chaos ties its moments to this)."""
        async with self._progress:
            await self._progress.wait_for(lambda: self.started >= started)

    async def run(self) -> None:
        queue = iter(self.checkouts)
        limits = httpx.Limits(max_connections=self.concurrency * 2)
        timeout = httpx.Timeout(10.0, connect=2.0)
        async with httpx.AsyncClient(
            base_url=self.stack.url("gateway"), limits=limits, timeout=timeout
        ) as client:

            async def worker() -> None:
                for checkout in queue:
                    async with self._progress:
                        self.started += 1
                        self._progress.notify_all()
                    self.outcomes.append(await self._place(client, checkout))

            await asyncio.gather(*(worker() for _ in range(self.concurrency)))

    async def _place(self, client: httpx.AsyncClient, checkout: Checkout) -> Outcome:
        outcome = Outcome(checkout)
        headers = {
            "Authorization": f"Bearer {token_for(self.stack, 'buyer', checkout.buyer_id)}",
            "Idempotency-Key": checkout.key,
        }
        deadline = time.monotonic() + ORDER_DEADLINE_SECONDS
        while outcome.attempts < MAX_ATTEMPTS and time.monotonic() < deadline:
            outcome.attempts += 1
            try:
                response = await client.post("/v1/orders", json=checkout.body(), headers=headers)
            except httpx.TransportError as exc:
                outcome.last_failure = type(exc).__name__
                self.failures[outcome.last_failure] += 1
            else:
                if response.status_code == ACCEPTED:
                    outcome.order_id = str(response.json()["orders"][0]["id"])
                    return outcome
                outcome.last_failure = f"{response.status_code} {response.text[:200]}"
                self.failures[str(response.status_code)] += 1
                if response.status_code not in RETRY_STATUSES:
                    return outcome  # a definite refusal: resending would be refused again
            await asyncio.sleep(self._backoff(outcome.attempts))
        return outcome

    def _backoff(self, attempt: int) -> float:
        """Exponential with jitter, capped: retries spread out instead of arriving together."""
        return min(MAX_BACKOFF_SECONDS, 0.1 * 2.0**attempt) * self.rng.uniform(0.5, 1.0)

    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.order_id is not None]

    def retried(self) -> int:
        """How many POSTs were resends of an order already sent once."""
        return sum(o.attempts - 1 for o in self.outcomes)
