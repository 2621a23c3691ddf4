"""One Prometheus registry per service process, and the internal port it can be served on.

Each app builds its own `CollectorRegistry` (several apps share one test process, so nothing
registers in prometheus_client's global registry). The process's families all live in it: the
store-command counts (`lumbung_shared.store_metrics`), what its consumers did
(`lumbung_shared.consumer_metrics`), the gauges sampled from the store and Kafka
(`lumbung_shared.gauges`), the service's own families (orders' transitions, for one), and the
process/platform/GC collectors.

`serving_metrics` serves the registry with prometheus_client's own HTTP server on a port of its
own (`<PREFIX>METRICS_PORT`), so a scraper reaches it without the app port's routes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    start_http_server,
)
from prometheus_client.exposition import choose_encoder

from lumbung_shared.consumer_metrics import ConsumerMetrics
from lumbung_shared.sampling import Sampler
from lumbung_shared.store_metrics import StoreMetrics


def new_registry() -> CollectorRegistry:
    """A registry of the process's own, with the process, platform and GC collectors."""
    registry = CollectorRegistry()
    for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
        registry.register(collector)
    return registry


@dataclass
class ServiceMetrics:
    """A service process's registry, and the families every service has."""

    registry: CollectorRegistry
    store: StoreMetrics
    consumers: ConsumerMetrics
    sampled: Sampler
    """Gauges read on a timer; a service adds its own sources (`Sampler.add`) in its setup."""

    @classmethod
    def for_service(cls, service: str) -> ServiceMetrics:
        registry = new_registry()
        return cls(
            registry,
            StoreMetrics(service, registry),
            ConsumerMetrics(registry, service),
            Sampler(registry),
        )


def render(registry: CollectorRegistry, accept: str | None = None) -> tuple[bytes, str]:
    """`registry` and its content type, in the format `Accept` asks for.

    Prometheus text 0.0.4 by default, OpenMetrics when asked (the library's negotiation).
    """
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type


@asynccontextmanager
async def serving_metrics(
    registry: CollectorRegistry, host: str, port: int | None
) -> AsyncIterator[int | None]:
    """Serve `registry` on `host:port` for the block (nothing when `port` is None).

    Yields the bound port (0 asks the system for a free one). prometheus_client's server runs
    in a daemon thread; its collectors are thread-safe.
    """
    if port is None:
        yield None
        return
    server, thread = start_http_server(port, addr=host, registry=registry)
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
