"""Closing alerts whose time ran out: status `expired` and `sea_alert.cancelled`, in one write.

FerretDB has no TTL indexes, and a TTL index would delete silently anyway: listings and orders
must hear that the danger is over, so expiry is a write with an event like any other. The sweep
(`workers.expiry`) calls `ExpireAlerts.sweep`; reporting an observation for a zone whose open
alert has lapsed closes it first with the same `close`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from lumbung_weather_alerts.domain.alert_chain import Chain, expired
from lumbung_weather_alerts.messaging.events import expiry_event
from lumbung_weather_alerts.storage.alerts import AlertRepository, ConcurrentAlertChangeError

log = logging.getLogger(__name__)


async def close_expired(alerts: AlertRepository, chain: Chain, now: datetime) -> Chain:
    """Close one lapsed chain with its `sea_alert.cancelled`; `ConcurrentAlertChangeError` when
    another writer changed it first."""
    change = expired(chain, now)
    await alerts.save(chain, change, expiry_event(change.after))
    return change.after


class ExpireAlerts:
    """Closes every open alert past its `expires`."""

    def __init__(self, alerts: AlertRepository) -> None:
        self._alerts = alerts

    async def sweep(self, now: datetime) -> int:
        """Expire what is due at `now` (a bounded batch); returns how many alerts were closed."""
        closed = 0
        for chain in await self._alerts.due_for_expiry(now):
            try:
                await close_expired(self._alerts, chain, now)
                closed += 1
            except ConcurrentAlertChangeError:
                continue  # an observation changed it first; the next sweep looks again
        if closed:
            log.info("expired alerts closed", extra={"count": closed})
        return closed
