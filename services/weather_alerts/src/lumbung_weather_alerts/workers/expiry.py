"""The expiry sweep: alerts past their `expires` are closed and `sea_alert.cancelled` is sent.

FerretDB has no TTL indexes, and a TTL index would delete silently anyway: listings and
orders must hear that the danger is over, so expiry is a write with an event like any other.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from lumbung_weather_alerts.storage.alerts import AlertRepository, ConcurrentAlertChangeError

log = logging.getLogger(__name__)


class ExpirySweep:
    """Closes lapsed alerts every `interval_seconds`."""

    def __init__(self, alerts: AlertRepository, interval_seconds: float) -> None:
        self._alerts = alerts
        self._interval = interval_seconds

    async def run(self) -> None:
        """Sweep forever; a failed sweep is logged and the next one comes as usual."""
        while True:
            try:
                await self.sweep_once()
            except Exception:
                log.exception("expiry sweep failed")
            await asyncio.sleep(self._interval)

    async def sweep_once(self) -> int:
        """Expire what is due now; returns how many alerts were closed."""
        now = datetime.now(UTC)
        closed = 0
        for doc in await self._alerts.due_for_expiry(now):
            try:
                await self._alerts.expire(doc, now)
                closed += 1
            except ConcurrentAlertChangeError:
                continue  # an observation changed it first; the next sweep looks again
        if closed:
            log.info("expired alerts closed", extra={"count": closed})
        return closed
