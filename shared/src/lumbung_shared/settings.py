"""Settings every service shares; each service subclasses with its own env prefix.

Connection settings are the same fields everywhere so compose files, Kubernetes manifests and
devstack set them one way (`LISTINGS_MONGO_URL`, `ORDERS_MONGO_URL`, ...).

Services build their settings with `load_settings`: a wrong setting ends the process with one
line per wrong variable instead of a traceback, because pydantic's own message repeats the
input value, which for a key means printing the secret into the logs.
"""

from __future__ import annotations

import socket
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
    outbox_lease_seconds: float = Field(
        default=30.0, gt=0, title="How long a relay holds an outbox it is publishing"
    )
    instance_id: str = Field(
        default="",
        max_length=200,
        pattern=r"^[A-Za-z0-9._@:-]*$",
        title="This replica's stable name; empty: <service>@<hostname> (see `instance`)",
    )
    kafka_static_membership: bool = Field(
        default=True,
        title="Join consumer groups as `instance` (KIP-345), so a restart gets its partitions back",
    )
    # Redelivery: lumbung_shared.redelivery explains the bound these defaults add up to.
    consumer_max_attempts: int = Field(
        default=5, ge=1, title="Attempts for a transiently failing event before it is redelivered"
    )
    consumer_retry_delay_seconds: float = Field(
        default=0.2, gt=0, title="Pause after the first failed attempt (doubles, at most 2 s)"
    )
    consumer_non_transient_attempts: int = Field(
        default=3, ge=1, title="Attempts for an event failing with a non-transient error"
    )
    consumer_max_deliveries: int = Field(
        default=5,
        ge=1,
        title="Deliveries of a transiently failing event before it is dead-lettered",
    )
    consumer_redelivery_window_seconds: float = Field(
        default=30.0,
        gt=0,
        title="Time after its first delivery when a failing event is dead-lettered",
    )
    consumer_redelivery_delay_seconds: float = Field(
        default=0.5, gt=0, title="Pause before the first redelivery (doubles, at most 4 s)"
    )
    consumer_attempt_timeout_seconds: float = Field(
        default=10.0, gt=0, title="Longest one handler attempt (and one dead-letter write) may take"
    )
    metrics_port: int | None = Field(
        default=None, ge=0, le=65535, title="Port serving the Prometheus registry (unset: none)"
    )
    metrics_host: str = Field(
        default="127.0.0.1", max_length=255, title="Address the metrics port binds to"
    )
    metrics_sample_seconds: float = Field(
        default=15.0,
        gt=0,
        title="How often the sampled gauges (outbox, inbox, consumer lag) are read",
    )
    log_level: str = Field(default="INFO", title="Log level")

    @property
    def instance(self) -> str:
        """Who this process is, the same after a restart on the same host or pod.

        It names the outbox leases this process takes and its Kafka static membership, so a
        restarted process takes both back at once instead of waiting for them to time out.
        The default `<service>@<hostname>` fits one process per host or container: in
        Kubernetes the hostname is the pod name, which survives a container restart (crash,
        OOM kill, failed liveness probe) but not a new pod; a rollout's new pods start fresh
        and the old pods' leases run out (`outbox_lease_seconds`). Two live processes must
        never share it (they would take each other's leases, and Kafka would fence one): run
        several workers on one host only with `<PREFIX>_INSTANCE_ID` set per worker, e.g.
        from a StatefulSet pod name.

        Static membership (`kafka_static_membership`) has a price where names change: a static
        member does not leave its groups on shutdown, so when a Deployment rollout replaces a
        pod, that pod's partitions wait one session timeout (10 s) before they are reassigned.
        Turn it off where rollouts matter more than crash restarts.
        """
        return self.instance_id or f"{self.service_name}@{socket.gethostname()}"


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
