"""Which service answers which public path: the gateway's routing table.

Pure, so the proxy, the merged API description and the tests read one table. Paths match whole
segments only, so `/v1/ordersx` belongs to nobody, and the longest matching prefix wins: the
catalogue is the listings service's (commodities, units, regions) except its vessel classes,
which are the sea-safety rules of weather_alerts.
"""

from __future__ import annotations

from lumbung_shared.errors import NotFoundError

SERVICES: tuple[str, ...] = ("listings", "orders", "weather_alerts")

ROUTES: tuple[tuple[str, str], ...] = (
    ("/v1/catalogue/vessel-classes", "weather_alerts"),
    ("/v1/catalogue", "listings"),
    ("/v1/listings", "listings"),
    ("/v1/prices", "listings"),
    ("/v1/orders", "orders"),
    ("/v1/alerts", "weather_alerts"),
    ("/v1/zones", "weather_alerts"),
    ("/v1/advisories", "weather_alerts"),
    ("/v1/observations", "weather_alerts"),
    ("/v1/subscriptions", "weather_alerts"),
)


_LONGEST_FIRST = sorted(ROUTES, key=lambda route: len(route[0]), reverse=True)


def upstream_for(path: str) -> str | None:
    """The service that owns `path`: the longest prefix it matches in whole path segments."""
    for prefix, name in _LONGEST_FIRST:
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None


def known_service(name: str) -> str:
    """`name` if the gateway routes to a service of that name; else 404 (admin routes name one)."""
    if name not in SERVICES:
        raise NotFoundError("Layanan", "Service")
    return name
