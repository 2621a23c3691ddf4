"""The fishing-ground loops: the ZPPI feed poller and the sweep of expired forecasts, each
supervised by the shared loop (one failed pass never ends it)."""

from __future__ import annotations

from lumbung_shared.clock import utc_now
from lumbung_shared.loops import Loop, every

from lumbung_weather_alerts.usecases.read_fishing_ground_feed import ReadFishingGroundFeed
from lumbung_weather_alerts.usecases.read_forecasts import ReadForecasts


def fishing_ground_poller(read: ReadFishingGroundFeed, interval: float) -> Loop:
    """Every `interval` seconds, read the ZPPI feed once."""
    return every(interval, read.poll_once, "fishing-ground-poller")


def forecast_sweep(forecasts: ReadForecasts, interval: float) -> Loop:
    """Every `interval` seconds, delete the forecasts whose window has passed (FerretDB has no
    TTL index), keeping the scanned set small."""

    async def sweep() -> None:
        await forecasts.sweep(utc_now())

    return every(interval, sweep, "fishing-ground-sweep")
