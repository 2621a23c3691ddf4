"""One way to build a Lumbung service: FastAPI + FastStream in one process, wired in a lifespan.

`create_service_app` opens the Mongo client and the Kafka broker, lets the service set up its
repositories, consumers and background loops, starts the outbox relay, and closes everything
in reverse on shutdown. Nothing connects at import time, so tests configure before anything runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from fastapi import APIRouter, FastAPI, Request
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from lumbung_shared.asyncapi import build_asyncapi
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.dead_letters import DeadLetters, ReplayDeadLetter
from lumbung_shared.events import Topic
from lumbung_shared.gauges import process_gauges
from lumbung_shared.inbox import ProcessedEvents
from lumbung_shared.kafka import EventHandler, dead_letter_publisher, make_broker, outbox_publisher
from lumbung_shared.metrics import ServiceMetrics, serving_metrics
from lumbung_shared.mongo import Document, make_mongo_client, mongo_ready
from lumbung_shared.observability import configure_logging
from lumbung_shared.outbox import OutboxRelay
from lumbung_shared.redelivery import DeliveryPolicy
from lumbung_shared.settings import ServiceSettings
from lumbung_shared.tracing import Tracing
from lumbung_shared.web import dead_letters as dead_letters_api
from lumbung_shared.web import health
from lumbung_shared.web.guards import SecurityHeadersMiddleware
from lumbung_shared.web.http_metrics import HttpMetricsMiddleware
from lumbung_shared.web.methods import HeadAsGetMiddleware
from lumbung_shared.web.middleware import CorrelationMiddleware
from lumbung_shared.web.problem_schema import publish_problem_schema
from lumbung_shared.web.problems import install_problem_handlers

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = 90.0


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


@dataclass
class Runtime(Generic[SettingsT]):
    """The process's connections, handed to a service's setup and kept in lifespan state.

    Generic over the service's own settings class, so `runtime.settings.risk_sweep_seconds`
    type-checks in the service's wiring without an `isinstance` assertion.
    """

    settings: SettingsT
    mongo: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    broker: KafkaBroker
    relay: OutboxRelay
    inbox: ProcessedEvents
    dead_letters: DeadLetters
    metrics: ServiceMetrics
    """The process's one registry; a service registers its own families in `metrics.registry`,
    and a store client that setup opens takes `metrics.store.listener`."""
    tracing: Tracing = field(default_factory=lambda: Tracing(None))
    """The process's tracer provider; an HTTP client that setup opens takes
    `tracing.http_transport(...)` so its calls join the trace."""
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    consumers: list[EventConsumer] = field(default_factory=list)

    def consume(
        self, group: str, topics: Sequence[Topic], handlers: Mapping[str, EventHandler]
    ) -> EventConsumer:
        """Subscribe a consumer group (`<service>.<group>`) to topics with the given handlers."""
        consumer = EventConsumer(
            group_id=f"{self.settings.service_name}.{group}",
            handlers=handlers,
            inbox=self.inbox,
            broker=self.broker,
            policy=DeliveryPolicy.from_settings(self.settings),
            dead_letters=self.dead_letters,
            instance=self.settings.instance if self.settings.kafka_static_membership else None,
            metrics=self.metrics.consumers,
        )
        consumer.subscribe(topics)
        self.consumers.append(consumer)
        return consumer

    def run_in_background(self, loop: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run a long-lived loop (poller, scheduler) for the life of the process."""
        self.background.append(loop)


Setup = Callable[[Runtime[SettingsT]], Awaitable[object]]
"""Builds a service's repositories, use cases and consumers; returns the service's typed state.

The state object is kept in lifespan state as `service` (routes read it through a typed
dependency, see `lumbung_shared.web.state`).
"""

SERVICE_STATE = "service"


def runtime_of(request: Request) -> Runtime[Any]:
    """FastAPI dependency: the process runtime from lifespan state."""
    runtime: Runtime[Any] = request.state.runtime
    return runtime


async def retry_until_up(what: str, attempt: Callable[[], Awaitable[None]]) -> None:
    """Dependencies may start after us (compose, Kubernetes): wait for them, bounded."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_TIMEOUT_SECONDS
    delay = 0.5
    while True:
        try:
            await attempt()
            return
        except Exception as exc:
            if loop.time() > deadline:
                raise
            log.warning("waiting for dependency", extra={"dependency": what, "error": repr(exc)})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _lifespan(
    settings: SettingsT, setup: Setup[SettingsT], metrics: ServiceMetrics, tracing: Tracing
) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        mongo = make_mongo_client(settings, [metrics.store.listener, *tracing.mongo_listeners()])
        db = mongo[settings.mongo_database]
        # FastStream's own Prometheus middleware: what our consumer counters do not see, the
        # relay's publishes per topic (count, time, failures), in the same registry.
        published = KafkaPrometheusMiddleware(
            registry=metrics.registry, app_name=settings.service_name
        )
        broker = make_broker(settings, [*tracing.broker_middlewares(), published])
        relay = OutboxRelay(
            [],
            outbox_publisher(broker),
            poll_seconds=settings.outbox_poll_seconds,
            lease_seconds=settings.outbox_lease_seconds,
            full_scan_seconds=settings.outbox_full_scan_seconds,
            instance=settings.instance,
        )
        letters = DeadLetters(db.dead_letters)
        runtime = Runtime[SettingsT](
            settings,
            mongo,
            db,
            broker,
            relay,
            ProcessedEvents(db.processed_events),
            letters,
            metrics,
            tracing,
        )
        await retry_until_up("mongo", lambda: _ping(mongo))
        await letters.ensure_indexes()
        state = await setup(runtime)
        groups = {consumer.group_id: consumer.topics for consumer in runtime.consumers}
        gauges = process_gauges(settings, groups, relay.collections, db.processed_events)
        metrics.sampled.add(*gauges)
        runtime.run_in_background(metrics.sampled.loop(settings.metrics_sample_seconds))
        await retry_until_up("kafka", broker.start)
        app.state.readiness_checks = {
            "mongo": lambda: mongo_ready(mongo),
            "kafka": lambda: _kafka_ready(broker),
        }
        tasks = [asyncio.create_task(loop()) for loop in runtime.background]
        if settings.outbox_relay_enabled:
            tasks.append(asyncio.create_task(relay.run(), name="outbox-relay"))
        exits = AsyncExitStack()
        await exits.enter_async_context(
            serving_metrics(metrics.registry, settings.metrics_host, settings.metrics_port)
        )
        try:
            legacy = dict(state) if isinstance(state, Mapping) else {}
            yield {
                **legacy,
                "runtime": runtime,
                SERVICE_STATE: state,
                dead_letters_api.LETTERS_STATE: letters,
                dead_letters_api.REPLAY_STATE: ReplayDeadLetter(
                    letters, dead_letter_publisher(broker)
                ),
            }
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await broker.stop()
            await mongo.close()
            await exits.aclose()
            tracing.shutdown()

    return lifespan


async def _ping(mongo: AsyncMongoClient[Document]) -> None:
    await mongo.admin.command("ping")


async def _kafka_ready(broker: KafkaBroker) -> str | None:
    return None if await broker.ping(timeout=2.0) else "kafka: broker unreachable"


def _asyncapi_router(service: str, sends: Sequence[str]) -> APIRouter:
    router = APIRouter()

    @router.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi(request: Request) -> dict[str, Any]:
        """The events this service sends and receives (AsyncAPI 3.0)."""
        runtime = runtime_of(request)
        receives = {c.group_id: c.event_types for c in runtime.consumers}
        return build_asyncapi(service, sends, receives)

    return router


def create_service_app(
    settings: SettingsT,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    setup: Setup[SettingsT],
    sends: Sequence[str] = (),
) -> FastAPI:
    """The FastAPI app of one service, with health, problem+json errors and correlation ids.

    Its OpenAPI document names the `Problem` schema every route's errors refer to, a 405 or an
    `OPTIONS` names the path's methods in `Allow`, and HEAD works wherever GET does.

    Every service also answers its admins' `/v1/admin/dead-letters` (see
    `lumbung_shared.web.dead_letters`): its consumers record there what they give up on.

    `sends` lists the event types the service emits, for its AsyncAPI document. The process's
    registry (`lumbung_shared.metrics`) is served on the metrics port when `metrics_port` is
    set, never on the app port.
    """
    configure_logging(settings.service_name, settings.log_level)
    metrics = ServiceMetrics.for_service(settings.service_name)
    tracing = Tracing.from_environment(settings.service_name)
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=_lifespan(settings, setup, metrics, tracing),
    )
    app.state.internal_secret = settings.internal_secret.get_secret_value().encode()
    app.state.identity_audience = settings.service_name
    app.state.settings = settings
    install_problem_handlers(app)
    publish_problem_schema(app)
    app.add_middleware(CorrelationMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        HttpMetricsMiddleware, registry=metrics.registry, service=settings.service_name
    )
    app.add_middleware(HeadAsGetMiddleware)  # outermost: everything inside sees the GET
    app.include_router(health.router)
    app.include_router(_asyncapi_router(settings.service_name, sends))
    app.include_router(dead_letters_api.router)
    for router in routers:
        app.include_router(router)
    tracing.instrument_app(app)  # outermost: the server span covers every middleware
    return app
