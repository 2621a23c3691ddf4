"""The services behind the gateway as its HTTP door reaches them: one pooled session each.

These clients are the proxy's transport: requests and responses stream through them byte for
byte (photos, Server-Sent Events), so they belong beside the proxy in `api`, not in `storage`
(which holds the gateway's own database) — hiding a byte stream behind a use case would add a
layer with no rule to apply. Each service also has its circuit breaker and its bound on
requests in flight here. The use cases that need the services (readiness, the merged API
description) get this object through a small protocol, so `usecases` never imports `api`.

The client is aiohttp, not httpx: on the same GET it costs ~2.4x less CPU per request (917 vs
2,211 µs, bench section `gateway`), and on this 2-core box the proxy's CPU is its latency.
Sessions are made in the lifespan (aiohttp binds them to the running loop) and closed with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from lumbung_shared.tracing import Tracing
from opentelemetry.instrumentation.aiohttp_client import create_trace_config

from lumbung_gateway.domain.circuit_breaker import BreakerPolicy, CircuitBreaker
from lumbung_gateway.domain.in_flight import InFlightLimit
from lumbung_gateway.settings import GatewaySettings

FETCH_TIMEOUT_SECONDS = 3.0
DEFAULT_MAX_IN_FLIGHT = 32
DEFAULT_ANSWER_TIMEOUT_SECONDS = 5.0
MAX_CONNECTIONS = 200
KEEP_ALIVE_SECONDS = 4.0
"""Below uvicorn's 5 s keep-alive, so the gateway drops an idle connection before the service
does: reusing one the service is closing would fail a POST, which must not be re-sent."""


@dataclass(frozen=True)
class Upstream:
    """One service behind the gateway: its session, circuit breaker and in-flight bound."""

    name: str
    base_url: str
    """Scheme, host and port, no trailing slash: raw paths are appended as the client sent them."""
    session: aiohttp.ClientSession
    breaker: CircuitBreaker
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    answer_timeout: float = DEFAULT_ANSWER_TIMEOUT_SECONDS
    """Seconds the service may take to start its answer to a buffered request."""
    in_flight: InFlightLimit = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        object.__setattr__(self, "in_flight", InFlightLimit(self.name, self.max_in_flight))


def pooled_session(
    connect_timeout: float,
    read_timeout: float,
    trace_configs: Sequence[aiohttp.TraceConfig] = (),
) -> aiohttp.ClientSession:
    """One service's connection pool; call inside the running loop (the lifespan).

    Bodies pass through as sent (no decompression; `pass_on` never follows redirects), and there
    is no total timeout: an event stream stays open for minutes, each read bounded on its own.
    `trace_configs`: OpenTelemetry's (`tracing_configs`), a client span and `traceparent` per
    request, so the service's spans join the gateway's trace.
    """
    return aiohttp.ClientSession(
        trace_configs=list(trace_configs) or None,
        connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS, keepalive_timeout=KEEP_ALIVE_SECONDS),
        timeout=aiohttp.ClientTimeout(
            total=None,
            connect=connect_timeout,
            sock_connect=connect_timeout,
            sock_read=read_timeout,
        ),
        auto_decompress=False,
    )


def tracing_configs(tracing: Tracing | None) -> list[aiohttp.TraceConfig]:
    """OpenTelemetry's aiohttp instrumentation for a session, or nothing when tracing is off."""
    if tracing is None or tracing.provider is None:
        return []
    return [create_trace_config(tracer_provider=tracing.provider)]


class Upstreams(Mapping[str, Upstream]):
    """The services by name; closed with the lifespan."""

    def __init__(self, upstreams: Mapping[str, Upstream], check_timeout: float = 1.0) -> None:
        self._upstreams = dict(upstreams)
        self._check_timeout = check_timeout

    @classmethod
    def from_settings(cls, settings: GatewaySettings, tracing: Tracing | None = None) -> Upstreams:
        """Pooled sessions with connect/read timeouts; retries happen per request, by method."""
        traced = tracing_configs(tracing)
        policy = BreakerPolicy(
            consecutive_failures=settings.breaker_failures,
            cooldown=settings.breaker_cooldown_seconds,
        )
        urls = {
            "listings": settings.listings_url,
            "orders": settings.orders_url,
            "weather_alerts": settings.weather_alerts_url,
        }
        return cls(
            {
                name: Upstream(
                    name,
                    url,
                    pooled_session(
                        settings.connect_timeout_seconds, settings.read_timeout_seconds, traced
                    ),
                    CircuitBreaker(name, policy),
                    settings.upstream_max_in_flight,
                    settings.answer_timeout_seconds,
                )
                for name, url in urls.items()
            },
            check_timeout=settings.upstream_check_timeout_seconds,
        )

    def __getitem__(self, name: str) -> Upstream:
        return self._upstreams[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._upstreams)

    def __len__(self) -> int:
        return len(self._upstreams)

    @property
    def names(self) -> list[str]:
        """The services, sorted."""
        return sorted(self._upstreams)

    async def fetch_json(self, name: str, path: str) -> dict[str, Any] | None:
        """The JSON object `name` serves at `path`; None if it does not answer with one."""
        upstream = self[name]
        timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
        try:
            async with upstream.session.get(upstream.base_url + path, timeout=timeout) as response:
                if response.status != 200:
                    return None
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None
        return body if isinstance(body, dict) else None

    async def unready_reason(self, name: str) -> str | None:
        """None when the service's `/readyz` answers 200 in time; else why not."""
        upstream = self[name]
        timeout = aiohttp.ClientTimeout(total=self._check_timeout)
        try:
            async with upstream.session.get(upstream.base_url + "/readyz", timeout=timeout) as ok:
                status = ok.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            return f"{type(exc).__name__}"
        return None if status == 200 else f"status {status}"

    async def aclose(self) -> None:
        """Close every session."""
        await asyncio.gather(*(u.session.close() for u in self._upstreams.values()))
