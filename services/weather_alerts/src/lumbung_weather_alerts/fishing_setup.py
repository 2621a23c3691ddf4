"""Wiring of the fishing-ground forecasts and the trip planner, called from `main.setup`.

Kept apart from `main` so the alert wiring stays readable: the forecasts collection (watched by
the outbox relay), its feed-status collection, the use cases the routes reach, the sweep and,
when a ZPPI feed URL is configured, its poller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from lumbung_shared.service import Runtime

from lumbung_weather_alerts.domain.fishing_ground_feed import MAX_FEED_BYTES
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.storage.alerts import AlertRepository
from lumbung_weather_alerts.storage.feed_client import fetch_guarded
from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository
from lumbung_weather_alerts.storage.fishing_grounds import ForecastRepository
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.storage.webhook_guard import UrlGuard
from lumbung_weather_alerts.storage.zones import ZoneRepository
from lumbung_weather_alerts.usecases.catch_prices import CatchPrices
from lumbung_weather_alerts.usecases.feed_health import FeedHealth
from lumbung_weather_alerts.usecases.plan_trip import PlanTrip
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast
from lumbung_weather_alerts.usecases.read_fishing_ground_feed import ReadFishingGroundFeed
from lumbung_weather_alerts.usecases.read_forecasts import ReadForecasts
from lumbung_weather_alerts.workers.fishing_grounds import fishing_ground_poller, forecast_sweep

SENDS = ("fishing_ground.forecast_published",)
"""The fishing-ground events this service sends (its AsyncAPI `send` operations)."""


@dataclass(frozen=True)
class FishingGrounds:
    """The use cases of the fishing-ground routes."""

    publish: PublishForecast
    read: ReadForecasts
    plan: PlanTrip
    feeds: FeedHealth


async def setup_fishing_grounds(
    runtime: Runtime[WeatherAlertsSettings],
    *,
    zones: ZoneRepository,
    alerts: AlertRepository,
    observations: ObservationRepository,
    guard: UrlGuard,
    prices: CatchPrices,
) -> FishingGrounds:
    """Repositories, use cases and loops of the fishing grounds."""
    settings, db = runtime.settings, runtime.db
    forecasts = ForecastRepository(
        db.fishing_ground_forecasts, runtime.relay.watch(db.fishing_ground_forecasts)
    )
    await forecasts.ensure_indexes()
    stale_after = timedelta(seconds=settings.fishing_ground_stale_after_seconds)
    feed_states = FeedSourceRepository(db.fishing_ground_feeds, stale_after)
    publish = PublishForecast(zones, forecasts)
    read = ReadForecasts(forecasts)
    runtime.run_in_background(forecast_sweep(read, settings.fishing_ground_sweep_seconds))
    if settings.fishing_ground_feed_url:
        fetch = partial(
            fetch_guarded,
            guard=guard,
            timeout_seconds=settings.forecast_timeout_seconds,
            max_bytes=MAX_FEED_BYTES,
        )
        feed = ReadFishingGroundFeed(
            settings.fishing_ground_feed_url,
            fetch,
            settings.forecast_attempts,
            publish,
            feed_states,
        )
        runtime.run_in_background(fishing_ground_poller(feed, settings.fishing_ground_poll_seconds))
    return FishingGrounds(
        publish=publish,
        read=read,
        plan=PlanTrip(forecasts, alerts, observations, prices),
        feeds=FeedHealth(feed_states),
    )
