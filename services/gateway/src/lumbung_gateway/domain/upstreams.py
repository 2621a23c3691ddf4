"""Which service answers which public path: the gateway's routing table.

Pure, so the proxy, the merged API description and the tests read one table. Paths match whole
segments only, so `/v1/ordersx` belongs to nobody, and the longest matching prefix wins: the
catalogue is the listings service's (commodities, units, regions) except its vessel classes,
which are the sea-safety rules of weather_alerts.

`owner_of` also names the path's template in the table: the prefix itself, or everything
below it (`/v1/orders/{path:path}`). The gateway's request metrics label proxied requests with
it, so a path the callers make up never becomes a label value.
"""

from __future__ import annotations

from typing import NamedTuple

from lumbung_shared.errors import NotFoundError

SERVICES: tuple[str, ...] = ("listings", "orders", "weather_alerts")

ROUTES: tuple[tuple[str, str], ...] = (
    ("/v1/catalogue/vessel-classes", "weather_alerts"),
    ("/v1/catalogue", "listings"),
    ("/v1/listings", "listings"),
    ("/v1/prices", "listings"),
    ("/v1/cooperatives", "listings"),
    ("/v1/orders", "orders"),
    ("/v1/payouts", "orders"),
    ("/v1/alerts", "weather_alerts"),
    ("/v1/zones", "weather_alerts"),
    ("/v1/advisories", "weather_alerts"),
    ("/v1/observations", "weather_alerts"),
    ("/v1/subscriptions", "weather_alerts"),
    ("/v1/fishing-grounds", "weather_alerts"),
    ("/v1/landing-sites", "weather_alerts"),
)


BELOW = "/{path:path}"
"""Appended to a prefix: the template of the paths below it."""


class Owner(NamedTuple):
    """The service a path goes to, and which template of the table it matched."""

    service: str
    template: str


_LONGEST_FIRST = [
    (prefix, Owner(name, prefix), prefix + "/", Owner(name, prefix + BELOW))
    for prefix, name in sorted(ROUTES, key=lambda route: len(route[0]), reverse=True)
]


def owner_of(path: str) -> Owner | None:
    """Who owns `path`: the longest prefix it matches in whole path segments; else None."""
    for prefix, exact, below, under in _LONGEST_FIRST:
        if path == prefix:
            return exact
        if path.startswith(below):
            return under
    return None


def upstream_for(path: str) -> str | None:
    """The service that owns `path` (see `owner_of`)."""
    owner = owner_of(path)
    return None if owner is None else owner.service


def known_service(name: str) -> str:
    """`name` if the gateway routes to a service of that name; else 404 (admin routes name one)."""
    if name not in SERVICES:
        raise NotFoundError("Layanan", "Service")
    return name
