"""The expiry sweep: every few seconds, close the alerts whose time ran out
(`usecases.expire_alerts`), supervised by the shared loop."""

from __future__ import annotations

from lumbung_shared.clock import utc_now
from lumbung_shared.loops import Loop, every

from lumbung_weather_alerts.usecases.expire_alerts import ExpireAlerts


def expiry_sweep(expire: ExpireAlerts, interval: float) -> Loop:
    """Every `interval` seconds, expire what is due now."""

    async def sweep() -> None:
        await expire.sweep(utc_now())

    return every(interval, sweep, "alert-expiry")
