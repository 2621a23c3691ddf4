"""The whole stack: Kafka, FerretDB, topics and the four services, on chosen ports.

Every service serves its Prometheus registry on a metrics port of its own; optionally the stack
runs Jaeger (`tracing`: spans go there) and Prometheus (`prometheus`: scraping those, rules on).

`make up` runs one stack on the default ports with data in the cache; each test session runs
its own on free ports in a temporary folder, so tests never depend on (or disturb) a stack that
someone started by hand.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from lumbung_shared.secrets import generate_secret
from lumbung_shared.topics import create_topics

from devstack.infra import FerretDB, KafkaBroker
from devstack.observability import Jaeger, Prometheus
from devstack.observability import status as observability_status
from devstack.paths import cache_dir, run_dir
from devstack.processes import ManagedProcess, by_pid_file, free_port, http_ok
from devstack.progress import say, step


@dataclass(frozen=True)
class ServiceSpec:
    """How to run one service: its package, env prefix and database."""

    name: str
    package: str
    env_prefix: str


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("listings", "lumbung_listings", "LISTINGS_"),
    ServiceSpec("orders", "lumbung_orders", "ORDERS_"),
    ServiceSpec("weather_alerts", "lumbung_weather_alerts", "WEATHER_ALERTS_"),
    ServiceSpec("gateway", "lumbung_gateway", "GATEWAY_"),
)
SERVICE_NAMES = tuple(spec.name for spec in SERVICES)


@dataclass
class Ports:
    """Every port the stack listens on (all on 127.0.0.1)."""

    kafka: int = 9092
    kafka_controller: int = 9093
    mongo: int = 27017
    gateway: int = 8000
    listings: int = 8001
    orders: int = 8002
    weather_alerts: int = 8003
    gateway_metrics: int = 9400
    listings_metrics: int = 9401
    orders_metrics: int = 9402
    weather_alerts_metrics: int = 9403
    jaeger_otlp: int = 4318
    jaeger_ui: int = 16686
    jaeger_query_grpc: int = 16685  # Jaeger's query gRPC API cannot be turned off
    prometheus: int = 9090

    @classmethod
    def free(cls) -> Ports:
        """Fresh free ports, for a test session's private stack."""
        return cls(**{f.name: free_port() for f in fields(cls)})

    def of(self, service: str) -> int:
        port: int = getattr(self, service)
        return port

    def metrics_of(self, service: str) -> int:
        port: int = getattr(self, f"{service}_metrics")
        return port


BOOTSTRAP_ADMIN_PHONE = "+628110000001"
"""The local stack's first admin (`GATEWAY_BOOTSTRAP_ADMIN_PHONE`); its password is generated."""


@dataclass
class Secrets:
    """Keys the services share and the first admin's password; made once per stack, kept with
    its data. Files written before a field existed get it generated on the next load."""

    internal_secret: str
    jwt_keys: str
    bootstrap_admin_phone: str = ""
    bootstrap_admin_password: str = ""

    @classmethod
    def load_or_create(cls, path: Path) -> Secrets:
        stored = json.loads(path.read_text()) if path.exists() else {}
        # Fresh random keys that the services' start-up check accepts (lumbung_shared.secrets).
        made = cls(
            internal_secret=stored.get("internal_secret") or generate_secret(),
            jwt_keys=stored.get("jwt_keys") or f"k1:{generate_secret()}",
            bootstrap_admin_phone=stored.get("bootstrap_admin_phone") or BOOTSTRAP_ADMIN_PHONE,
            bootstrap_admin_password=stored.get("bootstrap_admin_password") or generate_secret(),
        )
        if made.__dict__ != stored:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(made.__dict__))
            path.chmod(0o600)
        return made


@dataclass
class Stack:
    """One running (or stoppable) stack, described by its folders and ports."""

    data_dir: Path
    run_dir: Path
    ports: Ports = field(default_factory=Ports)
    partitions: int = 3
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)
    tracing: bool = False
    trace_sample_ratio: float | None = None
    """Share of the gateway's traces kept (`parentbased_traceidratio`; `None`: all)."""
    trace_export_delay_ms: int = 200
    """Span batches' delay (the SDK's 5 s default; 200 ms lets a test find them soon)."""
    prometheus: bool = False

    def __post_init__(self) -> None:
        self.secrets = Secrets.load_or_create(self.data_dir / "secrets.json")
        self.kafka = KafkaBroker(
            self.ports.kafka, self.ports.kafka_controller, self.data_dir / "kafka", self.run_dir
        )
        self.mongo = FerretDB(self.ports.mongo, self.data_dir / "ferretdb", self.run_dir)
        ports = self.ports
        self.jaeger = Jaeger(
            ports.jaeger_otlp, ports.jaeger_ui, ports.jaeger_query_grpc, self.run_dir
        )
        self.prometheus_server = Prometheus(
            ports.prometheus,
            {service: ports.metrics_of(service) for service in SERVICE_NAMES},
            self.data_dir / "prometheus",
            self.run_dir,
        )

    # -- infrastructure -------------------------------------------------------------------

    def start_infra(self) -> None:
        """Kafka and FerretDB up, topics created (idempotent)."""
        self.mongo.start()
        self.kafka.start()
        with step(f"Creating topics ({self.partitions} partitions each)"):
            created = asyncio.run(create_topics(self.kafka.bootstrap, self.partitions))
            if created:
                say(f"created topics: {', '.join(created)}")

    # -- services -------------------------------------------------------------------------

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports.of(service)}"

    def metrics_url(self, service: str) -> str:
        """Where the service serves its Prometheus registry (not on its app port)."""
        return f"http://127.0.0.1:{self.ports.metrics_of(service)}/metrics"

    @property
    def jaeger_url(self) -> str:
        """Jaeger's query API (`/api/traces/<id>`, `/api/traces?service=`) and UI page."""
        return self.jaeger.url

    @property
    def prometheus_url(self) -> str:
        return self.prometheus_server.url

    def env_for(self, service: str) -> dict[str, str]:
        """The environment one service reads its settings from."""
        spec = next(s for s in SERVICES if s.name == service)
        p = spec.env_prefix
        env = {
            f"{p}KAFKA_BOOTSTRAP_SERVERS": self.kafka.bootstrap,
            f"{p}MONGO_URL": self.mongo.url,
            f"{p}MONGO_DATABASE": f"lumbung_{service}",
            f"{p}INTERNAL_SECRET": self.secrets.internal_secret,
            f"{p}OUTBOX_POLL_SECONDS": "0.2",
            # FerretDB 1.x is atomic per connection only (see lumbung_shared.mongo).
            f"{p}MONGO_MAX_POOL_SIZE": "1",
            f"{p}METRICS_PORT": str(self.ports.metrics_of(service)),
            f"{p}METRICS_HOST": "127.0.0.1",
        }
        if self.tracing:
            env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = self.jaeger.otlp_traces_endpoint
            env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf"
            env["OTEL_SERVICE_NAME"] = service
            env["OTEL_BSP_SCHEDULE_DELAY"] = str(self.trace_export_delay_ms)
            if self.trace_sample_ratio is not None:
                env["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio"
                env["OTEL_TRACES_SAMPLER_ARG"] = str(self.trace_sample_ratio)
        if service == "orders":
            # The saga decides ~8-14 orders/s on FerretDB here: admit no more undecided orders
            # than it clears in ~0.4 s (see ORDERS_SAGA_BACKLOG_LIMIT, bench/sections/saga.py).
            # An exported ORDERS_SAGA_BACKLOG_LIMIT wins (to measure other bounds).
            env[f"{p}SAGA_BACKLOG_LIMIT"] = os.environ.get(f"{p}SAGA_BACKLOG_LIMIT", "3")
        if service == "gateway":
            env[f"{p}JWT_KEYS"] = self.secrets.jwt_keys
            # The first admin, created at start-up unless the number exists (never changed).
            env[f"{p}BOOTSTRAP_ADMIN_PHONE"] = self.secrets.bootstrap_admin_phone
            env[f"{p}BOOTSTRAP_ADMIN_PASSWORD"] = self.secrets.bootstrap_admin_password
            for upstream in ("listings", "orders", "weather_alerts"):
                env[f"{p}{upstream.upper()}_URL"] = self.url(upstream)
            env[f"{p}PUBLIC_BASE_URL"] = self.url("gateway")  # the OpenAPI `servers` entry
        if service == "weather_alerts":  # feed, CAP and webhook links name the local gateway
            env[f"{p}PUBLIC_BASE_URL"] = self.url("gateway")
        env.update(self.service_env.get(service, {}))
        return env

    def process(self, service: str) -> ManagedProcess:
        spec = next(s for s in SERVICES if s.name == service)
        return ManagedProcess(
            name=service,
            command=[
                sys.executable,
                "-m",
                "uvicorn",
                f"{spec.package}.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.ports.of(service)),
                "--no-access-log",
                "--no-server-header",
                "--timeout-graceful-shutdown",
                "10",
            ],
            log_path=self.run_dir / f"{service}.log",
            pid_path=self.run_dir / f"{service}.pid",
            env=self.env_for(service),
        )

    def start_service(self, service: str, timeout: float = 90) -> None:
        """Start one service (unless running) and wait until `/readyz` answers 200."""
        process = self.process(service)
        if process.pid() is None:
            process.start()
        process.wait_until(lambda: http_ok(f"{self.url(service)}/readyz"), timeout, "readiness")

    def start_services(self, services: tuple[str, ...] = SERVICE_NAMES) -> None:
        for service in services:
            with step(f"Starting {service} on {self.url(service)}"):
                self.start_service(service)

    def stop_service(self, service: str) -> None:
        self.process(service).stop()

    def up(self) -> None:
        self.start_infra()
        if self.tracing:  # before the services, so their first spans have somewhere to go
            self.jaeger.start()
        self.start_services()
        if self.prometheus:
            self.prometheus_server.start()

    def down(self) -> None:
        """Stop exactly what this stack started, services first (Jaeger and Prometheus too,
        whether or not this invocation asked for them: they are found by their PID files)."""
        self.prometheus_server.stop()
        for service in reversed(SERVICE_NAMES):
            self.stop_service(service)
        self.jaeger.stop()
        self.kafka.stop()
        self.mongo.stop()

    def status(self) -> dict[str, str]:
        """Process state and readiness of every part."""
        report = {}
        for name in ("kafka", "ferretdb"):
            pid = by_pid_file(name, self.run_dir).pid()
            report[name] = f"running (pid {pid})" if pid else "stopped"
        for service in SERVICE_NAMES:
            pid = self.process(service).pid()
            ready = pid is not None and http_ok(f"{self.url(service)}/readyz")
            state = "ready" if ready else "not ready"
            report[service] = f"{state} (pid {pid}) {self.url(service)}" if pid else "stopped"
        urls = {"jaeger": self.jaeger_url, "prometheus": self.prometheus_url}
        report.update(observability_status(self.run_dir, urls))
        return report


def default_stack(observability: bool = False) -> Stack:
    """The stack `make up` manages: default ports, data in the cache, PIDs in the clone."""
    partitions = int(os.environ.get("LUMBUNG_TOPIC_PARTITIONS", "3"))
    return Stack(
        data_dir=cache_dir() / "data",
        run_dir=run_dir(),
        partitions=partitions,
        tracing=observability,
        prometheus=observability,
    )
