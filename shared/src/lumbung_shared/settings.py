"""Settings every service shares; each service subclasses with its own env prefix.

Connection settings are the same fields everywhere so compose files, Kubernetes manifests and
devstack set them one way (`LISTINGS_MONGO_URL`, `ORDERS_MONGO_URL`, ...).
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Connection and runtime settings common to all four services."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = Field(title="Service name, used as Kafka client id and event producer")
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", title="Kafka bootstrap servers (comma separated)"
    )
    kafka_request_timeout_ms: int = Field(default=10_000, ge=1000, title="Kafka request timeout")
    mongo_url: str = Field(default="mongodb://127.0.0.1:27017/", title="MongoDB connection URL")
    mongo_database: str = Field(title="The database this service owns")
    mongo_max_pool_size: int = Field(
        default=100,
        ge=1,
        title="Mongo connections per process (1 for FerretDB 1.x: see lumbung_shared.mongo)",
    )
    mongo_timeout_ms: int = Field(default=5_000, ge=100, title="Mongo server selection timeout")
    internal_secret: SecretStr = Field(
        title="HMAC key the gateway signs caller identities with (shared with the gateway)",
        min_length=32,
    )
    outbox_relay_enabled: bool = Field(
        default=True,
        title="Run the outbox relay in this process (off when a separate relay process runs it)",
    )
    outbox_poll_seconds: float = Field(default=0.5, gt=0, title="Outbox relay poll interval")
    outbox_full_scan_seconds: float = Field(
        default=30.0, gt=0, title="How often the relay looks for outboxes it was not told about"
    )
    consumer_max_attempts: int = Field(
        default=5, ge=1, title="Attempts for a transiently failing event before it is redelivered"
    )
    log_level: str = Field(default="INFO", title="Log level")
