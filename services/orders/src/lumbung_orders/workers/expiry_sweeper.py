"""The loop that lets unconfirmed reservations lapse (`usecases.expire_reservations`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from lumbung_shared.loops import Loop, every

log = logging.getLogger(__name__)


def expiry_sweeper(expire: Callable[[datetime], Awaitable[int]], interval: float) -> Loop:
    """Every `interval` seconds, run `expire` (`usecases.expire_reservations`) for now."""

    async def sweep() -> None:
        count = await expire(datetime.now(UTC))
        if count:
            log.info("reservations expired", extra={"count": count})

    return every(interval, sweep, "expiry-sweeper")
