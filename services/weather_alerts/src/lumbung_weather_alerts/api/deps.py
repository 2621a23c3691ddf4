"""Dependency aliases the routes share: repositories from lifespan state, settings, callers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from lumbung_shared.web.identity import Identity, Role, require_roles

from lumbung_weather_alerts.ingest import Ingest
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.storage.alerts import AlertRepository
from lumbung_weather_alerts.storage.deliveries import DeliveryRepository
from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.storage.subscriptions import SubscriptionRepository
from lumbung_weather_alerts.storage.zones import ZoneRepository
from lumbung_weather_alerts.webhooks.guard import UrlGuard


def _settings(request: Request) -> WeatherAlertsSettings:
    settings: WeatherAlertsSettings = request.app.state.settings
    return settings


def _zones(request: Request) -> ZoneRepository:
    repository: ZoneRepository = request.state.zones
    return repository


def _alerts(request: Request) -> AlertRepository:
    repository: AlertRepository = request.state.alerts
    return repository


def _observations(request: Request) -> ObservationRepository:
    repository: ObservationRepository = request.state.observations
    return repository


def _ingest(request: Request) -> Ingest:
    ingest: Ingest = request.state.ingest
    return ingest


def _feed_sources(request: Request) -> FeedSourceRepository:
    repository: FeedSourceRepository = request.state.feed_sources
    return repository


def _subscriptions(request: Request) -> SubscriptionRepository:
    repository: SubscriptionRepository = request.state.subscriptions
    return repository


def _deliveries(request: Request) -> DeliveryRepository:
    repository: DeliveryRepository = request.state.deliveries
    return repository


def _url_guard(request: Request) -> UrlGuard:
    guard: UrlGuard = request.state.url_guard
    return guard


Settings = Annotated[WeatherAlertsSettings, Depends(_settings)]
Zones = Annotated[ZoneRepository, Depends(_zones)]
Alerts = Annotated[AlertRepository, Depends(_alerts)]
Observations = Annotated[ObservationRepository, Depends(_observations)]
IngestService = Annotated[Ingest, Depends(_ingest)]
FeedSources = Annotated[FeedSourceRepository, Depends(_feed_sources)]
Subscriptions = Annotated[SubscriptionRepository, Depends(_subscriptions)]
Deliveries = Annotated[DeliveryRepository, Depends(_deliveries)]
Guard = Annotated[UrlGuard, Depends(_url_guard)]

Admin = Annotated[Identity, require_roles(Role.ADMIN)]
Reporter = Annotated[Identity, require_roles(Role.AGENCY, Role.ADMIN)]
"""Who may post observations and read feed health: agencies (API keys) and admins."""
Agency = Annotated[Identity, require_roles(Role.AGENCY, Role.ADMIN)]
"""Who may subscribe to webhooks; each sees only their own subscriptions."""
