"""Weather-alerts settings, read from `WEATHER_ALERTS_*` environment variables."""

from __future__ import annotations

from lumbung_shared.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class WeatherAlertsSettings(ServiceSettings):
    """Connection settings plus the weather-alerts service's own."""

    model_config = SettingsConfigDict(env_prefix="WEATHER_ALERTS_", extra="ignore", frozen=True)

    service_name: str = Field(default="weather_alerts", title="Service name")
    mongo_database: str = Field(default="lumbung_weather_alerts", title="Alerts database")
