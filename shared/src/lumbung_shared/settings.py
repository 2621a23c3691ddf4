"""Settings every service shares; each service subclasses with its own env prefix.

Connection settings are the same fields everywhere so compose files, Kubernetes manifests and
devstack set them one way (`LISTINGS_MONGO_URL`, `ORDERS_MONGO_URL`, ...).

Services build their settings with `load_settings`: a wrong setting ends the process with one
line per wrong variable instead of a traceback, because pydantic's own message repeats the
input value, which for a key means printing the secret into the logs.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from lumbung_shared.secrets import GENERATE_HINT, StrongSecret

SettingsT = TypeVar("SettingsT", bound=BaseSettings)


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
    internal_secret: StrongSecret = Field(
        title="HMAC key the gateway signs caller identities with (shared with the gateway)",
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


def settings_errors(cls: type[BaseSettings], error: ValidationError) -> list[str]:
    """One line per wrong setting, named by its environment variable, without its value."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        field = str(item["loc"][0]) if item["loc"] else ""
        variable = f"{prefix}{field}".upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "is not set"
            info = cls.model_fields.get(field)
            if info is not None and info.annotation is SecretStr:
                message += f"; generate one with: {GENERATE_HINT}"
        lines.append(f"{variable}: {message}")
    return lines


def load_settings(cls: type[SettingsT]) -> SettingsT:
    """`cls()` from the environment, or `SystemExit` (status 1) naming every wrong variable."""
    try:
        return cls()
    except ValidationError as error:
        lines = settings_errors(cls, error)
        name = cls.model_fields.get("service_name")
        service = name.default if name is not None and name.default else cls.__name__
        raise SystemExit(
            f"{service} cannot start, fix these settings:\n"
            + "\n".join(f"  {line}" for line in lines)
        ) from None
