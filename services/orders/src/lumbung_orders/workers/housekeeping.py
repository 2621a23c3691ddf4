"""Dropping idempotency keys past retention and inbox ids no redelivery will still need.

FerretDB has no TTL index, so a supervised loop deletes what is old.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from lumbung_shared.inbox import ProcessedEvents
from lumbung_shared.loops import Loop, every

from lumbung_orders.storage.idempotency import IdempotencyRepository

INBOX_RETENTION: Final = timedelta(days=7)


def housekeeping(
    keys: IdempotencyRepository,
    inbox: ProcessedEvents,
    key_retention: timedelta,
    interval: float,
) -> Loop:
    """Every `interval` seconds, forget keys older than `key_retention` and old inbox ids."""

    async def tidy() -> None:
        await keys.forget_older_than(key_retention)
        await inbox.forget_older_than(INBOX_RETENTION)

    return every(interval, tidy, "housekeeping")
