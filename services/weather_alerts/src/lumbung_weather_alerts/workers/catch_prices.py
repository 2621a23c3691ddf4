"""Dropping catch listings the price figure can no longer count (`KeepCatchPrices.forget_stale`).

Every read of the price model scans it (FerretDB), so what is older than the window goes
rather than slowing every read for ever; supervised by the shared loop.
"""

from __future__ import annotations

import logging

from lumbung_shared.loops import Loop, every

from lumbung_weather_alerts.usecases.catch_prices import KeepCatchPrices

log = logging.getLogger(__name__)


def catch_price_pruning(keep: KeepCatchPrices, interval: float) -> Loop:
    """Every `interval` seconds, forget the listings not updated within the window."""

    async def prune() -> None:
        forgotten = await keep.forget_stale()
        if forgotten:
            log.info("stale catch prices forgotten", extra={"count": forgotten})

    return every(interval, prune, "catch-price-pruning")
