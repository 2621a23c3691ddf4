"""Dependency aliases the routes share: repositories from lifespan state, settings, callers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from lumbung_shared.web.identity import Identity, Role, require_roles
from lumbung_shared.web.state import from_state

from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.storage.alerts import AlertRepository
from lumbung_weather_alerts.storage.deliveries import DeliveryRepository
from lumbung_weather_alerts.storage.feed_sources import FeedSourceRepository
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.storage.subscriptions import SubscriptionRepository
from lumbung_weather_alerts.storage.zones import ZoneRepository
from lumbung_weather_alerts.usecases.report_observation import Ingest
from lumbung_weather_alerts.webhooks.guard import UrlGuard


def _settings(request: Request) -> WeatherAlertsSettings:
    settings: WeatherAlertsSettings = request.app.state.settings
    return settings


Settings = Annotated[WeatherAlertsSettings, Depends(_settings)]
Zones = Annotated[ZoneRepository, Depends(from_state("zones", ZoneRepository))]
Alerts = Annotated[AlertRepository, Depends(from_state("alerts", AlertRepository))]
Observations = Annotated[
    ObservationRepository, Depends(from_state("observations", ObservationRepository))
]
IngestService = Annotated[Ingest, Depends(from_state("ingest", Ingest))]
FeedSources = Annotated[
    FeedSourceRepository, Depends(from_state("feed_sources", FeedSourceRepository))
]
Subscriptions = Annotated[
    SubscriptionRepository, Depends(from_state("subscriptions", SubscriptionRepository))
]
Deliveries = Annotated[DeliveryRepository, Depends(from_state("deliveries", DeliveryRepository))]
Guard = Annotated[UrlGuard, Depends(from_state("url_guard", UrlGuard))]

Admin = Annotated[Identity, require_roles(Role.ADMIN)]
Reporter = Annotated[Identity, require_roles(Role.AGENCY, Role.ADMIN)]
"""Who may post observations and read feed health: agencies (accounts, API keys) and admins.

Observations are further limited to the agency's regions (`domain.scope.RegionScope`)."""
Agency = Annotated[Identity, require_roles(Role.AGENCY, Role.ADMIN)]
"""Who may subscribe to webhooks: prefixes inside their regions, their own subscriptions only."""
