"""Listings settings, read from `LISTINGS_*` environment variables."""

from __future__ import annotations

from lumbung_shared.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class ListingsSettings(ServiceSettings):
    """Connection settings plus the listings service's own."""

    model_config = SettingsConfigDict(env_prefix="LISTINGS_", extra="ignore", frozen=True)

    service_name: str = Field(default="listings", title="Service name")
    mongo_database: str = Field(default="lumbung_listings", title="Listings database")
    risk_sweep_seconds: float = Field(
        default=60.0, gt=0, title="How often expired sea alerts are cleared from catch listings"
    )
