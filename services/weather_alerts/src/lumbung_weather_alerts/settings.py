"""Weather-alerts settings, read from `WEATHER_ALERTS_*` environment variables.

Production defaults are the safe ones: webhooks only to public https addresses, retries
spread over a day, the forecast feed polled every few minutes. Tests shorten the timers and
allow-list the loopback receiver in `tests/support/stack_env.py`, never here.
"""

from __future__ import annotations

from lumbung_shared.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lumbung_weather_alerts.domain.trip_plan import (
    DEFAULT_FUEL_PROFILES,
    SOLAR_SUBSIDI_RUPIAH,
    FuelProfile,
)
from lumbung_weather_alerts.domain.vessels import VesselClass
from lumbung_weather_alerts.domain.waves import WaveCategory


class WeatherAlertsSettings(ServiceSettings):
    """Connection settings plus the weather-alerts service's own."""

    model_config = SettingsConfigDict(env_prefix="WEATHER_ALERTS_", extra="ignore", frozen=True)

    service_name: str = Field(default="weather_alerts", title="Service name")
    mongo_database: str = Field(default="lumbung_weather_alerts", title="Alerts database")

    cap_sender: str = Field(
        default="peringatan.lumbung.id",
        pattern=r"^[^\s,<&]+$",
        title="CAP `sender` of every alert (no spaces, commas, < or &)",
    )
    public_base_url: str = Field(
        default="https://api.lumbung.id", title="Public URL prefix for links in feeds"
    )
    alert_threshold: WaveCategory = Field(
        default=WaveCategory.TINGGI, title="Wave category from which an alert is always issued"
    )
    expiry_sweep_seconds: float = Field(default=30.0, gt=0, title="Expired-alert sweep interval")
    alert_chain_max_messages: int = Field(
        default=50,
        ge=2,
        le=500,
        title="CAP messages an alert chain keeps (the original Alert and the newest ones)",
    )
    inbox_retention_hours: float = Field(
        default=7 * 24.0,
        ge=1,
        title="How long handled event ids are kept to skip redeliveries (then forgotten)",
    )
    housekeeping_seconds: float = Field(
        default=3600.0, gt=0, title="How often old inbox ids and stale catch prices are dropped"
    )

    forecast_feed_url: str | None = Field(
        default=None, title="Forecast feed to poll (JSON, format in domain/feed.py); off if unset"
    )
    forecast_poll_seconds: float = Field(default=300.0, gt=0, title="Forecast feed poll interval")
    forecast_timeout_seconds: float = Field(default=10.0, gt=0, title="Feed request timeout")
    forecast_attempts: int = Field(default=3, ge=1, le=10, title="Tries per poll")
    forecast_stale_after_seconds: float = Field(
        default=6 * 3600.0, gt=0, title="Feed marked stale when its content is older than this"
    )

    webhook_require_https: bool = Field(default=True, title="Only https webhook URLs")
    webhook_allow_list: str = Field(
        default="",
        title="Comma-separated addresses exempt from the SSRF guard (tests only: 127.0.0.1)",
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, title="Webhook request timeout")
    webhook_poll_seconds: float = Field(default=1.0, gt=0, title="Delivery loop poll interval")
    webhook_retry_scale: float = Field(
        default=1.0, gt=0, le=1.0, title="Factor applied to the retry schedule (tests: 0.002)"
    )
    webhook_max_attempts: int = Field(
        default=11, ge=1, le=11, title="Attempts before a delivery is dead-lettered"
    )
    webhook_secret_overlap_seconds: float = Field(
        default=24 * 3600.0, ge=0, title="How long a rotated-out secret still signs"
    )

    sse_heartbeat_seconds: float = Field(
        default=5.0, gt=0, title="SSE comment interval (below the gateway read timeout)"
    )
    sse_poll_seconds: float = Field(default=1.0, gt=0, title="SSE change poll interval")
    sse_max_lifetime_seconds: float = Field(
        default=600.0, gt=0, title="An SSE stream closes after this; clients reconnect"
    )

    fishing_ground_feed_url: str | None = Field(
        default=None,
        title="ZPPI fishing-ground feed to poll (JSON, format in domain/fishing_ground_feed.py); "
        "off if unset",
    )
    fishing_ground_poll_seconds: float = Field(
        default=1800.0, gt=0, title="Fishing-ground feed poll interval (ZPPI is issued daily)"
    )
    fishing_ground_stale_after_seconds: float = Field(
        default=36 * 3600.0,
        gt=0,
        title="Fishing-ground feed marked stale when its content is older than this",
    )
    fishing_ground_sweep_seconds: float = Field(
        default=300.0, gt=0, title="How often expired fishing-ground forecasts are deleted"
    )
    fuel_price_per_litre: int = Field(
        default=SOLAR_SUBSIDI_RUPIAH,
        ge=1000,
        le=50_000,
        title="Fuel price per litre in rupiah for trip estimates (solar subsidi by default)",
    )
    fuel_profiles: dict[VesselClass, FuelProfile] = Field(
        default_factory=lambda: dict(DEFAULT_FUEL_PROFILES),
        title="Cruise speed and consumption per vessel class (JSON; classes left out keep the "
        "defaults)",
    )

    catch_price_window_days: int = Field(
        default=30, ge=1, le=365, title="Days since its last update a catch listing's price counts"
    )
    catch_price_min_listings: int = Field(
        default=3, ge=1, le=100, title="Listings a regency needs before its own median is shown"
    )
    catch_price_cache_seconds: float = Field(
        default=60.0, ge=0, le=600, title="How long a species group's prices are reused"
    )

    def fuel_profile(self, vessel: VesselClass) -> FuelProfile:
        """The class's fuel profile: the configured one, else the built-in default."""
        return self.fuel_profiles.get(vessel, DEFAULT_FUEL_PROFILES[vessel])

    @property
    def allow_list(self) -> frozenset[str]:
        """The SSRF allow-list as a set of exact addresses."""
        return frozenset(a.strip() for a in self.webhook_allow_list.split(",") if a.strip())
