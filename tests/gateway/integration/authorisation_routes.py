"""The authorisation matrix's data: every public route, who may use it, and on whose objects.

Add a `RouteCase` when you add a route (and an object factory in `OBJECTS` if the route names
an object). `test_authorisation_matrix.py` runs every case for every caller in `CALLERS` and
fails on any success by a caller the case does not allow.

- `allowed`: caller kinds that must succeed (2xx); every other caller must get 401/403/404.
- `eventual`: the object reaches the route's service through events; allowed callers retry
  until it is there (denied callers are checked at once).
- `owner_only`: the path's `{object}` belongs to the case's `owner` caller (the seller `owner`
  unless said otherwise); then only the owner (and admin, when `admin_overrides`) may succeed,
  and the `strangers` — same role as the owner, other account — must get 404 (BOLA: someone
  else's object does not exist for them).
- `agency_refusal`: the problem type suffix the two agency callers must get when refused
  (`region-out-of-scope`, `forbidden`), so a scope row fails for the right reason.

The agency-scope rows (observations, subscriptions, deliveries, zones) are in
`authorisation_scope.py`; the matrix runs both tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from lumbung_gateway.domain.upstreams import SERVICES

from tests.gateway.helpers import PASSWORD, new_phone
from tests.integration.test_listing_reaches_orders import SHALLOTS

ANONYMOUS = "anonymous"
CALLERS = (
    "anonymous",
    "farmer",
    "fisher",
    "buyer",
    "agency",
    "agency_key",
    "admin",
    "owner",
    "stranger",
)
EVERYONE = frozenset(CALLERS)
SIGNED_IN = EVERYONE - {ANONYMOUS}


@dataclass(frozen=True)
class World:
    """What a case may need: headers per caller kind and a client with the admin's rights."""

    gateway: httpx.AsyncClient
    headers: dict[str, dict[str, str]]
    agency_account_id: str
    zones: dict[str, str] = field(default_factory=dict)
    """Zone ids by scope flavour (`authorisation_scope.seed_zones`)."""
    cache: dict[str, str] = field(default_factory=dict)
    """Objects made once per module (`authorisation_scope.shared`)."""


ObjectFactory = Callable[[World], Awaitable[str]]
BodyFactory = Callable[[World], dict[str, Any]]


async def _listing_of_owner(world: World) -> str:
    created = await world.gateway.post(
        "/v1/listings", json=SHALLOTS, headers=world.headers["owner"]
    )
    assert created.status_code == 201, created.text
    listing_id: str = created.json()["id"]
    return listing_id


async def _api_key(world: World) -> str:
    created = await world.gateway.post(
        "/v1/admin/api-keys",
        json={"account_id": world.agency_account_id, "name": "matrix", "regions": ["63.08"]},
        headers=world.headers["admin"],
    )
    assert created.status_code == 201, created.text
    key_id: str = created.json()["id"]
    return key_id


async def _agency_account(world: World) -> str:
    return world.agency_account_id


OBJECTS: dict[str, ObjectFactory] = {
    "listing": _listing_of_owner,
    "api_key": _api_key,
    "agency_account": _agency_account,
}


def _new_account(world: World) -> dict[str, Any]:
    return {
        "phone": new_phone(),
        "password": PASSWORD,
        "display_name": "Dinas Perikanan",
        "role": "agency",
        "regions": ["63.08"],
    }


def _new_key(world: World) -> dict[str, Any]:
    return {"account_id": world.agency_account_id, "name": "bpbd", "regions": ["63"]}


@dataclass(frozen=True)
class RouteCase:
    """One route and who may succeed on it."""

    name: str
    method: str
    path: str
    allowed: frozenset[str]
    body: BodyFactory | None = None
    object: str | None = None
    owner_only: bool = False
    owner: str = "owner"
    strangers: frozenset[str] = frozenset({"stranger"})
    admin_overrides: bool = False
    eventual: bool = False
    agency_refusal: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


SELLERS = frozenset({"farmer", "fisher", "owner", "stranger", "admin"})
ADMIN_ONLY = frozenset({"admin"})
ROUTES: tuple[RouteCase, ...] = (
    RouteCase("create listing", "POST", "/v1/listings", SELLERS, body=lambda w: dict(SHALLOTS)),
    RouteCase("read listing", "GET", "/v1/listings/{object}", EVERYONE, object="listing"),
    RouteCase(
        "read listing snapshot",
        "GET",
        "/v1/orders/listing-snapshots/{object}",
        EVERYONE,
        object="listing",
        eventual=True,  # the snapshot arrives through Kafka
    ),
    RouteCase("who am I", "GET", "/v1/auth/me", frozenset({"agency_key"})),
    RouteCase("create account", "POST", "/v1/admin/accounts", ADMIN_ONLY, body=_new_account),
    RouteCase(
        "read account", "GET", "/v1/admin/accounts/{object}", ADMIN_ONLY, object="agency_account"
    ),
    RouteCase("create api key", "POST", "/v1/admin/api-keys", ADMIN_ONLY, body=_new_key),
    RouteCase("list api keys", "GET", "/v1/admin/api-keys", ADMIN_ONLY),
    RouteCase(
        "revoke api key", "DELETE", "/v1/admin/api-keys/{object}", ADMIN_ONLY, object="api_key"
    ),
    RouteCase(  # no caller of the matrix is an aggregator: everyone is refused
        "declare a cooperative",
        "PUT",
        "/v1/cooperatives/me",
        frozenset(),
        body=lambda w: {
            "name": "Koperasi Tani",
            "type": "koperasi",
            "home_regency": "63.08",
            "fee_basis_points": 500,
        },
    ),
    RouteCase(
        "list own memberships",
        "GET",
        "/v1/cooperatives/memberships",
        frozenset({"farmer", "fisher", "owner", "stranger"}),
    ),
    RouteCase("audit a roster", "GET", "/v1/cooperatives/coop-1/members", ADMIN_ONLY),
    *(  # each service's own route behind the gateway's (helper S's shared dead-letter API)
        RouteCase(
            f"list dead letters of {service}",
            "GET",
            f"/v1/admin/dead-letters/{service}",
            ADMIN_ONLY,
        )
        for service in SERVICES
    ),
)
"""`who am I` succeeds only for callers with an account: the matrix's token callers are
made-up subjects, the API key stands for a real agency account."""
