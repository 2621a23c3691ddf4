"""Wiring of the weather-alerts service: settings, repositories, consumers, loops, routes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from lumbung_shared.events import Topic
from lumbung_shared.service import Runtime, create_service_app
from lumbung_shared.settings import load_settings

from lumbung_weather_alerts.api import (
    advisories,
    alerts,
    observations,
    stream,
    subscriptions,
    zones,
)
from lumbung_weather_alerts.domain.zones import SEED_ZONES
from lumbung_weather_alerts.messaging.fanout import WebhookFanout
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.storage.alerts import AlertRepository
from lumbung_weather_alerts.storage.deliveries import DeliveryRepository
from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.storage.subscriptions import SubscriptionRepository
from lumbung_weather_alerts.storage.zones import ZoneRepository
from lumbung_weather_alerts.usecases.report_observation import Ingest
from lumbung_weather_alerts.webhooks.guard import UrlGuard
from lumbung_weather_alerts.workers.deliveries import DeliveryWorker
from lumbung_weather_alerts.workers.expiry import ExpirySweep
from lumbung_weather_alerts.workers.poller import ForecastPoller

SEA_ALERT_EVENT_TYPES = ("sea_alert.issued", "sea_alert.updated", "sea_alert.cancelled")


async def setup(runtime: Runtime[WeatherAlertsSettings]) -> Mapping[str, Any]:
    """Repositories, seed zones, the webhook fan-out consumer and the background loops."""
    settings = runtime.settings
    assert isinstance(settings, WeatherAlertsSettings)
    db = runtime.db
    zone_repo = ZoneRepository(db.zones)
    alert_repo = AlertRepository(db.alerts, settings.cap_sender, runtime.relay.watch(db.alerts))
    observation_repo = ObservationRepository(db.observations)
    subscription_repo = SubscriptionRepository(db.subscriptions)
    delivery_repo = DeliveryRepository(db.webhook_deliveries)
    stale_after = timedelta(seconds=settings.forecast_stale_after_seconds)
    feed_repo = FeedSourceRepository(db.feed_sources, stale_after)
    for repository in (zone_repo, alert_repo, observation_repo, subscription_repo, delivery_repo):
        await repository.ensure_indexes()
    await zone_repo.seed(SEED_ZONES)

    ingest = Ingest(zone_repo, observation_repo, alert_repo, settings.alert_threshold)
    guard = UrlGuard(require_https=settings.webhook_require_https, allow_list=settings.allow_list)
    worker = DeliveryWorker(delivery_repo, subscription_repo, guard, settings)
    fanout = WebhookFanout(alert_repo, subscription_repo, delivery_repo, worker.wake)
    runtime.consume(
        "webhooks",
        [Topic.SEA_ALERT_EVENTS],
        dict.fromkeys(SEA_ALERT_EVENT_TYPES, fanout.handle),
    )
    runtime.run_in_background(worker.run)
    runtime.run_in_background(ExpirySweep(alert_repo, settings.expiry_sweep_seconds).run)
    if settings.forecast_feed_url:
        poller = ForecastPoller(settings.forecast_feed_url, settings, ingest, feed_repo)
        runtime.run_in_background(poller.run)
    return {
        "zones": zone_repo,
        "alerts": alert_repo,
        "observations": observation_repo,
        "ingest": ingest,
        "feed_sources": feed_repo,
        "subscriptions": subscription_repo,
        "deliveries": delivery_repo,
        "url_guard": guard,
    }


def create_app(settings: WeatherAlertsSettings | None = None) -> FastAPI:
    """The weather-alerts service app (uvicorn factory)."""
    return create_service_app(
        settings or load_settings(WeatherAlertsSettings),
        title="Lumbung weather alerts",
        description="Sea-condition alerts, BMKG rules, CAP/Atom/JSON/SSE feeds, agency webhooks.",
        # The stream router comes before the alerts router: `/{alert_id}` would take "stream".
        routers=[
            zones.router,
            observations.router,
            stream.router,
            alerts.router,
            advisories.router,
            subscriptions.router,
        ],
        setup=setup,
    )
