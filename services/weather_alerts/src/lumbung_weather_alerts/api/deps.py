"""Dependency aliases the routes share: the use cases from the typed lifespan state
(`main.WeatherAlertsState`), the settings, and who may call."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from lumbung_shared.web.identity import Identity, Role, require_roles
from lumbung_shared.web.state import from_service

from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.usecases.advise_vessels import AdviseVessels
from lumbung_weather_alerts.usecases.feed_health import FeedHealth
from lumbung_weather_alerts.usecases.manage_subscriptions import ManageSubscriptions
from lumbung_weather_alerts.usecases.manage_zones import ManageZones
from lumbung_weather_alerts.usecases.plan_trip import PlanTrip
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast
from lumbung_weather_alerts.usecases.read_alerts import ReadAlerts
from lumbung_weather_alerts.usecases.read_forecasts import ReadForecasts
from lumbung_weather_alerts.usecases.report_observation import ReportObservation
from lumbung_weather_alerts.usecases.webhook_deliveries import WebhookDeliveries


def _settings(request: Request) -> WeatherAlertsSettings:
    settings: WeatherAlertsSettings = request.app.state.settings
    return settings


Settings = Annotated[WeatherAlertsSettings, Depends(_settings)]
Zones = Annotated[ManageZones, Depends(from_service("manage_zones", ManageZones))]
Reporting = Annotated[
    ReportObservation, Depends(from_service("report_observation", ReportObservation))
]
Feeds = Annotated[FeedHealth, Depends(from_service("feed_health", FeedHealth))]
Alerts = Annotated[ReadAlerts, Depends(from_service("read_alerts", ReadAlerts))]
Advisor = Annotated[AdviseVessels, Depends(from_service("advise_vessels", AdviseVessels))]
Subscriptions = Annotated[
    ManageSubscriptions, Depends(from_service("manage_subscriptions", ManageSubscriptions))
]
Deliveries = Annotated[
    WebhookDeliveries, Depends(from_service("webhook_deliveries", WebhookDeliveries))
]
Publishing = Annotated[PublishForecast, Depends(from_service("publish_forecast", PublishForecast))]
ForecastReader = Annotated[ReadForecasts, Depends(from_service("read_forecasts", ReadForecasts))]
Planner = Annotated[PlanTrip, Depends(from_service("plan_trip", PlanTrip))]
GroundFeeds = Annotated[FeedHealth, Depends(from_service("fishing_ground_feeds", FeedHealth))]

Admin = Annotated[Identity, require_roles(Role.ADMIN)]
Reporter = Annotated[Identity, require_roles(Role.AGENCY, Role.ADMIN)]
"""Who may post observations and read feed health: agencies (accounts, API keys) and admins.

Observations are further limited to the agency's regions (`domain.scope.RegionScope`)."""
Agency = Annotated[Identity, require_roles(Role.AGENCY, Role.ADMIN)]
"""Who may subscribe to webhooks: prefixes inside their regions, their own subscriptions only."""
Fisher = Annotated[Identity, require_roles(Role.FISHER, Role.ADMIN)]
"""Who may plan a trip: fishers (and admins, to see what fishers see)."""
