"""Dropping inbox ids no redelivery will still need (FerretDB has no TTL index).

The inbox (`processed_events`) gains one document per event the fan-out consumer handles and
would otherwise grow for ever; a redelivery comes within minutes, so ids older than the
retention can go.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from lumbung_shared.inbox import ProcessedEvents
from lumbung_shared.loops import Loop, every

log = logging.getLogger(__name__)


def housekeeping(inbox: ProcessedEvents, inbox_retention: timedelta, interval: float) -> Loop:
    """Every `interval` seconds, forget inbox ids older than `inbox_retention`."""

    async def tidy() -> None:
        forgotten = await inbox.forget_older_than(inbox_retention)
        if forgotten:
            log.info("old inbox ids forgotten", extra={"count": forgotten})

    return every(interval, tidy, "housekeeping")
