"""Durable scheduled work: expiring unconfirmed reservations and dropping old keys.

Nothing here is an in-process timer holding state: every pass asks the database what is due
(`expires_at` is stored on each reserved order), so a restart loses nothing and several
replicas may sweep at once — each expiry is the same version-guarded transition as any other,
and a replica that loses the race simply finds the order no longer reserved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from lumbung_shared.errors import DomainError
from lumbung_shared.inbox import ProcessedEvents

from lumbung_orders.orderbook import OrderBook
from lumbung_orders.storage.idempotency import IdempotencyRepository

log = logging.getLogger(__name__)

SWEEP_BATCH: Final = 200
INBOX_RETENTION: Final = timedelta(days=7)


async def expire_lapsed(book: OrderBook, now: datetime) -> int:
    """Expire every reserved order whose deadline passed by `now`; returns how many."""
    expired = 0
    for order_id in await book.repository.lapsed_ids(now, SWEEP_BATCH):
        try:
            await book.change(order_id, lambda order: order.expire(now))
        except DomainError as exc:  # confirmed or cancelled meanwhile: nothing to expire
            log.info("order not expired", extra={"order_id": order_id, "reason": exc.code})
            continue
        expired += 1
    return expired


def every(
    seconds: float, work: Callable[[], Awaitable[Any]], name: str
) -> Callable[[], Coroutine[Any, Any, None]]:
    """A loop running `work` every `seconds`; a failed pass is logged and retried next time."""

    async def loop() -> None:
        while True:
            try:
                await work()
            except Exception as exc:
                log.warning("scheduled pass failed", extra={"task": name, "error": repr(exc)})
            await asyncio.sleep(seconds)

    return loop


def expiry_sweeper(book: OrderBook, interval: float) -> Callable[[], Coroutine[Any, Any, None]]:
    async def sweep() -> None:
        count = await expire_lapsed(book, datetime.now(UTC))
        if count:
            log.info("reservations expired", extra={"count": count})

    return every(interval, sweep, "expiry-sweeper")


def housekeeping(
    keys: IdempotencyRepository,
    inbox: ProcessedEvents,
    key_retention: timedelta,
    interval: float,
) -> Callable[[], Coroutine[Any, Any, None]]:
    """Drop idempotency keys past retention and inbox ids no redelivery will still need."""

    async def tidy() -> None:
        await keys.forget_older_than(key_retention)
        await inbox.forget_older_than(INBOX_RETENTION)

    return every(interval, tidy, "housekeeping")
