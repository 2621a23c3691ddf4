"""Admission control for checkout: a bounded number in flight, a short wait, a time budget.

One store connection serves the whole process (see `lumbung_shared.mongo`), so checkouts
beyond what it keeps up with only queue, until the gateway gives up on them (504) and the
phone retries into a longer queue. A checkout waits at most `wait_seconds` for one of `limit`
turns, then has `budget_seconds` to finish (both below the gateway's answer timeout); past either it
is answered with 429 and `Retry-After`, which phones already know to wait on. A checkout cut
off by its budget may have placed its orders already: the answer asks for a retry with the
same Idempotency-Key, which then gets the stored 202 (`usecases.place_order`), so the budget
never places an order twice nor loses one.

429 rather than 503: the gateway's circuit breaker counts 503s as the service failing and
would then refuse every orders route, reads included, for its cool-down, while this is only
checkout shedding load. Hand-written on `asyncio.Semaphore`: a limiter library would add a
dependency for these few lines.

The same answer refuses a checkout while the saga is behind (`domain.saga_backlog`): a turn
bounds the checkouts in flight, the backlog bounds the orders they leave for the saga.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from lumbung_shared.errors import Message

BUSY_STATUS: Final = 429
RETRY_AFTER_SECONDS: Final = 1
BUSY: Final = Message(
    id="Terlalu banyak pesanan sedang diproses; coba lagi sebentar lagi dengan "
    "Idempotency-Key yang sama.",
    en="Too many orders are being placed right now; try again in a moment with the same "
    "Idempotency-Key.",
)


class CheckoutsBusyError(Exception):
    """No checkout turn came within the wait, or the checkout outran its budget."""


class CheckoutGate:
    """At most `limit` checkouts in flight in this process; the rest wait `wait_seconds`."""

    def __init__(self, limit: int, wait_seconds: float, budget_seconds: float) -> None:
        self._turns = asyncio.Semaphore(limit)
        self._wait_seconds = wait_seconds
        self._budget_seconds = budget_seconds

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one turn for the body, cut off after the budget; `CheckoutsBusyError` if not."""
        try:
            async with asyncio.timeout(self._wait_seconds):
                await self._turns.acquire()
        except TimeoutError:
            raise CheckoutsBusyError from None
        try:
            async with asyncio.timeout(self._budget_seconds):
                yield
        except TimeoutError:
            raise CheckoutsBusyError from None
        finally:
            self._turns.release()
