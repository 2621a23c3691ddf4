"""The services behind the gateway as its HTTP door reaches them: one pooled client each.

These clients are the proxy's transport: requests and responses stream through them byte for
byte (photos, Server-Sent Events), so they belong beside the proxy in `api`, not in `storage`
(which holds the gateway's own database) — hiding a byte stream behind a use case would add a
layer with no rule to apply. Each service also has its circuit breaker and its bound on
requests in flight here. The use cases that need the services (readiness, the merged API
description) get this object through a small protocol, so `usecases` never imports `api`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from lumbung_gateway.domain.circuit_breaker import BreakerPolicy, CircuitBreaker
from lumbung_gateway.domain.in_flight import InFlightLimit
from lumbung_gateway.settings import GatewaySettings

FETCH_TIMEOUT_SECONDS = 3.0
DEFAULT_MAX_IN_FLIGHT = 32
DEFAULT_ANSWER_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Upstream:
    """One service behind the gateway: its client, circuit breaker and in-flight bound."""

    name: str
    client: httpx.AsyncClient
    breaker: CircuitBreaker
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    answer_timeout: float = DEFAULT_ANSWER_TIMEOUT_SECONDS
    """Seconds the service may take to start its answer to a buffered request."""
    in_flight: InFlightLimit = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "in_flight", InFlightLimit(self.name, self.max_in_flight))


class Upstreams(Mapping[str, Upstream]):
    """The services by name; closed with the lifespan."""

    def __init__(self, upstreams: Mapping[str, Upstream], check_timeout: float = 1.0) -> None:
        self._upstreams = dict(upstreams)
        self._check_timeout = check_timeout

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> Upstreams:
        """Pooled clients with connect/read timeouts; retries happen per request, by method."""
        timeout = httpx.Timeout(
            connect=settings.connect_timeout_seconds,
            read=settings.read_timeout_seconds,
            write=settings.read_timeout_seconds,
            pool=settings.connect_timeout_seconds,
        )
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
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
                    httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits),
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
        try:
            response = await self[name].client.get(path, timeout=FETCH_TIMEOUT_SECONDS)
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        try:
            body = response.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    async def unready_reason(self, name: str) -> str | None:
        """None when the service's `/readyz` answers 200 in time; else why not."""
        try:
            response = await self[name].client.get("/readyz", timeout=self._check_timeout)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}"
        return None if response.status_code == 200 else f"status {response.status_code}"

    async def aclose(self) -> None:
        """Close every client."""
        await asyncio.gather(*(u.client.aclose() for u in self._upstreams.values()))
