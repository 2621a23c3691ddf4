"""The forecast feed poller: `usecases.read_forecast_feed` every `forecast_poll_seconds`,
supervised by the shared loop (one failed poll never ends it)."""

from __future__ import annotations

from lumbung_shared.loops import Loop, every

from lumbung_weather_alerts.usecases.read_forecast_feed import ReadForecastFeed


def forecast_poller(read: ReadForecastFeed, interval: float) -> Loop:
    """Every `interval` seconds, read the feed once."""
    return every(interval, read.poll_once, "forecast-poller")
