"""Wiring of the weather-alerts service: settings, repositories, use cases, consumers, loops."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI
from lumbung_shared.events import Topic
from lumbung_shared.service import Runtime, create_service_app
from lumbung_shared.settings import load_settings

from lumbung_weather_alerts.api import (
    advisories,
    alerts,
    catalogue,
    fishing_grounds,
    landing_sites,
    observations,
    stream,
    subscriptions,
    trip_planner,
    zones,
)
from lumbung_weather_alerts.domain.zones import SEED_ZONES
from lumbung_weather_alerts.fishing_setup import SENDS as FISHING_SENDS
from lumbung_weather_alerts.fishing_setup import setup_fishing_grounds
from lumbung_weather_alerts.messaging.events import SENDS as SEA_ALERT_SENDS
from lumbung_weather_alerts.messaging.fanout import fanout_handlers
from lumbung_weather_alerts.messaging.listings import catch_price_handlers
from lumbung_weather_alerts.metrics import AlertsInForce, WebhookDeliveryCounter
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.storage.alerts import AlertRepository
from lumbung_weather_alerts.storage.catch_prices import CatchPriceRepository
from lumbung_weather_alerts.storage.deliveries import DeliveryRepository
from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.storage.subscriptions import SubscriptionRepository
from lumbung_weather_alerts.storage.webhook_guard import UrlGuard
from lumbung_weather_alerts.storage.zones import ZoneRepository
from lumbung_weather_alerts.usecases.advise_vessels import AdviseVessels
from lumbung_weather_alerts.usecases.catch_prices import (
    CatchPriceBoard,
    CatchPrices,
    KeepCatchPrices,
)
from lumbung_weather_alerts.usecases.deliver_webhooks import DeliverWebhooks
from lumbung_weather_alerts.usecases.expire_alerts import ExpireAlerts
from lumbung_weather_alerts.usecases.fan_out_alert import FanOutAlert
from lumbung_weather_alerts.usecases.feed_health import FeedHealth
from lumbung_weather_alerts.usecases.manage_subscriptions import ManageSubscriptions
from lumbung_weather_alerts.usecases.manage_zones import ManageZones
from lumbung_weather_alerts.usecases.plan_trip import PlanTrip
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast
from lumbung_weather_alerts.usecases.read_alerts import ReadAlerts
from lumbung_weather_alerts.usecases.read_forecast_feed import ReadForecastFeed
from lumbung_weather_alerts.usecases.read_forecasts import ReadForecasts
from lumbung_weather_alerts.usecases.report_observation import AlertPolicy, ReportObservation
from lumbung_weather_alerts.usecases.webhook_deliveries import WebhookDeliveries
from lumbung_weather_alerts.workers.catch_prices import catch_price_pruning
from lumbung_weather_alerts.workers.deliveries import DeliveryLoop
from lumbung_weather_alerts.workers.expiry import expiry_sweep
from lumbung_weather_alerts.workers.housekeeping import housekeeping
from lumbung_weather_alerts.workers.poller import forecast_poller


@dataclass(frozen=True)
class WeatherAlertsState:
    """What routes reach (through `api.deps`): the use cases, never a repository."""

    manage_zones: ManageZones
    report_observation: ReportObservation
    feed_health: FeedHealth
    read_alerts: ReadAlerts
    advise_vessels: AdviseVessels
    manage_subscriptions: ManageSubscriptions
    webhook_deliveries: WebhookDeliveries
    catch_prices: CatchPrices
    publish_forecast: PublishForecast
    read_forecasts: ReadForecasts
    plan_trip: PlanTrip
    fishing_ground_feeds: FeedHealth


async def setup(runtime: Runtime[WeatherAlertsSettings]) -> WeatherAlertsState:
    """Repositories, seed zones, the webhook fan-out consumer, the background loops and the
    service's metrics."""
    settings = runtime.settings
    db = runtime.db
    zone_repo = ZoneRepository(db.zones)
    alert_repo = AlertRepository(db.alerts, runtime.relay.watch(db.alerts))
    observation_repo = ObservationRepository(db.observations)
    subscription_repo = SubscriptionRepository(db.subscriptions)
    delivery_repo = DeliveryRepository(db.webhook_deliveries)
    stale_after = timedelta(seconds=settings.forecast_stale_after_seconds)
    feed_repo = FeedSourceRepository(db.feed_sources, stale_after)
    for repository in (zone_repo, alert_repo, observation_repo, subscription_repo, delivery_repo):
        await repository.ensure_indexes()
    await zone_repo.seed(SEED_ZONES)

    policy = AlertPolicy(
        settings.cap_sender, settings.alert_threshold, settings.alert_chain_max_messages
    )
    report = ReportObservation(zone_repo, observation_repo, alert_repo, policy)
    guard = UrlGuard(require_https=settings.webhook_require_https, allow_list=settings.allow_list)
    registry, service = runtime.metrics.registry, settings.service_name
    outcomes = WebhookDeliveryCounter(registry, service, settings.webhook_max_attempts)
    runtime.metrics.sampled.add(AlertsInForce(service, alert_repo))
    deliveries = DeliveryLoop(
        DeliverWebhooks(delivery_repo, subscription_repo, guard, settings, outcomes=outcomes),
        settings.webhook_poll_seconds,
    )
    fan_out = FanOutAlert(
        alert_repo, subscription_repo, delivery_repo, deliveries.wake, settings.public_base_url
    )
    runtime.consume("webhooks", [Topic.SEA_ALERT_EVENTS], fanout_handlers(fan_out))
    catch_price_repo = CatchPriceRepository(db.catch_prices)
    price_window = timedelta(days=settings.catch_price_window_days)
    keep_prices = KeepCatchPrices(catch_price_repo, window=price_window)
    runtime.consume("catch-prices", [Topic.LISTING_EVENTS], catch_price_handlers(keep_prices))
    runtime.run_in_background(catch_price_pruning(keep_prices, settings.housekeeping_seconds))
    catch_prices = CatchPriceBoard(
        catch_price_repo,
        window=price_window,
        minimum_listings=settings.catch_price_min_listings,
        cache_seconds=settings.catch_price_cache_seconds,
    )
    runtime.run_in_background(deliveries.loop())
    runtime.run_in_background(expiry_sweep(ExpireAlerts(alert_repo), settings.expiry_sweep_seconds))
    runtime.run_in_background(
        housekeeping(
            runtime.inbox,
            timedelta(hours=settings.inbox_retention_hours),
            settings.housekeeping_seconds,
        )
    )
    if settings.forecast_feed_url:
        feed = ReadForecastFeed(settings.forecast_feed_url, settings, report, feed_repo)
        runtime.run_in_background(forecast_poller(feed, settings.forecast_poll_seconds))
    fishing = await setup_fishing_grounds(
        runtime,
        zones=zone_repo,
        alerts=alert_repo,
        observations=observation_repo,
        guard=guard,
        prices=catch_prices,
    )
    overlap = timedelta(seconds=settings.webhook_secret_overlap_seconds)
    return WeatherAlertsState(
        manage_zones=ManageZones(zone_repo, alert_repo),
        report_observation=report,
        feed_health=FeedHealth(feed_repo),
        read_alerts=ReadAlerts(alert_repo),
        advise_vessels=AdviseVessels(zone_repo, observation_repo),
        manage_subscriptions=ManageSubscriptions(subscription_repo, guard, overlap),
        webhook_deliveries=WebhookDeliveries(subscription_repo, delivery_repo),
        catch_prices=catch_prices,
        publish_forecast=fishing.publish,
        read_forecasts=fishing.read,
        plan_trip=fishing.plan,
        fishing_ground_feeds=fishing.feeds,
    )


def create_app(settings: WeatherAlertsSettings | None = None) -> FastAPI:
    """The weather-alerts service app (uvicorn factory)."""
    settings = settings or load_settings(WeatherAlertsSettings)
    app = create_service_app(
        settings,
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
            catalogue.router,
            trip_planner.router,
            fishing_grounds.router,
            landing_sites.router,
        ],
        setup=setup,
        sends=[*SEA_ALERT_SENDS, *FISHING_SENDS],
    )
    subscriptions.publish_url_scheme(app, require_https=settings.webhook_require_https)
    return app
