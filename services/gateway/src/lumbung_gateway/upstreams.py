"""Which service answers which path, and one pooled HTTP client per service."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from lumbung_gateway.settings import GatewaySettings


@dataclass(frozen=True)
class Upstream:
    """One service behind the gateway."""

    name: str
    client: httpx.AsyncClient


ROUTES: tuple[tuple[str, str], ...] = (
    ("/v1/listings", "listings"),
    ("/v1/prices", "listings"),
    ("/v1/orders", "orders"),
    ("/v1/alerts", "weather_alerts"),
    ("/v1/zones", "weather_alerts"),
    ("/v1/advisories", "weather_alerts"),
    ("/v1/observations", "weather_alerts"),
    ("/v1/subscriptions", "weather_alerts"),
)


def upstream_for(path: str) -> str | None:
    """The service that owns `path`, matching whole path segments only."""
    for prefix, name in ROUTES:
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None


def make_upstreams(settings: GatewaySettings) -> dict[str, Upstream]:
    """Pooled clients with connect/read timeouts; retries happen per request, by method."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_seconds,
        read=settings.read_timeout_seconds,
        write=settings.read_timeout_seconds,
        pool=settings.connect_timeout_seconds,
    )
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    urls = {
        "listings": settings.listings_url,
        "orders": settings.orders_url,
        "weather_alerts": settings.weather_alerts_url,
    }
    return {
        name: Upstream(name, httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits))
        for name, url in urls.items()
    }
