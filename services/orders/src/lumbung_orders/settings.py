"""Orders settings, read from `ORDERS_*` environment variables."""

from __future__ import annotations

from lumbung_shared.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class OrdersSettings(ServiceSettings):
    """Connection settings plus the orders service's own."""

    model_config = SettingsConfigDict(env_prefix="ORDERS_", extra="ignore", frozen=True)

    service_name: str = Field(default="orders", title="Service name")
    mongo_database: str = Field(default="lumbung_orders", title="Orders database")
