"""The services' paths served as one pure-ASGI route, matched first with one table lookup.

Through FastAPI every proxied request paid for trying each of the gateway's routers in turn,
solving a catch-all route's dependency tree (edge, address, caller) with its per-request
bookkeeping, and the request/response wrapper: served here, the gateway's CPU per proxied GET
fell from ~2.0 to ~1.4 ms (bench section gateway, issue 13). Starlette's router takes any
`BaseRoute`, so this one claims a request, whatever its method, when `domain.upstreams` names
the service owning its path, resolves the collaborators by hand and calls `proxy.forward`.
Every method goes on because the service, not the gateway, knows which ones its path takes:
its 405 with `Allow` and its 204 to `OPTIONS` pass back as sent. (A HEAD arrives here as its
GET, see `lumbung_shared.web.methods`, and is sent on as a HEAD by `forwarding`.) Errors
propagate as from any route, so the app's exception handlers render the same problem+json.

What it does not claim (a path no service owns) goes on to the gateway's own routes; a path
nobody has is Starlette's 404 and another method on a gateway route its 405, both rendered with
the path's real `Allow` by the shared problem handlers. Being first is safe only while no
gateway route lies under a service's path; `include_routes` checks that when the app is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from lumbung_shared.service import SERVICE_STATE
from lumbung_shared.web.http_metrics import ROUTE_TEMPLATE_SCOPE_KEY
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from lumbung_gateway.api.auth import authenticate
from lumbung_gateway.api.deps import Edge, client_ip
from lumbung_gateway.api.proxy import PROXY_PATH, forward
from lumbung_gateway.domain.upstreams import ROUTES, owner_of, upstream_for

PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
"""The methods `claims_no_gateway_route` tries a gateway route with."""

_NO_MATCH: tuple[Match, Scope] = (Match.NONE, {})
UPSTREAM_SCOPE_KEY = "lumbung.upstream"
"""The name of the service `ProxyRoute.matches` found, for `handle` (the router copies it)."""


class ProxyRoute(BaseRoute):
    """Claims every method on every path a service owns, and forwards it to that service."""

    path = PROXY_PATH

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """FULL for a service's path, else NONE (the router goes on).

        The request metrics' route label is the template of the routing table the path matched
        (`/v1/orders`, `/v1/orders/{path:path}`), finer than this route's own catch-all path.
        """
        if scope["type"] != "http":
            return _NO_MATCH
        # The full path, as `forward` reads it (`request.url.path`): claimed iff it is forwarded.
        owner = owner_of(scope["path"])
        if owner is None:
            return _NO_MATCH
        return Match.FULL, {
            UPSTREAM_SCOPE_KEY: owner.service,
            ROUTE_TEMPLATE_SCOPE_KEY: owner.template,
        }

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Resolve the edge, the client's address and the caller, in that order, and forward."""
        request = Request(scope, receive)
        edge = scope["state"][SERVICE_STATE].edge
        if not isinstance(edge, Edge):
            raise TypeError(f"service state 'edge' is {type(edge).__name__}, not Edge")
        ip = await client_ip(request, edge)
        identity = await authenticate(request, edge, ip)
        response = await forward(request, edge, identity, scope[UPSTREAM_SCOPE_KEY])
        await response(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """Nothing links to the proxy by name."""
        raise NoMatchFound(name, path_params)


def include_routes(app: FastAPI, own: Sequence[APIRouter]) -> None:
    """The gateway's `own` routers in order, `ProxyRoute` before them."""
    claims_no_gateway_route([route for router in own for route in router.routes])
    for router in own:
        app.include_router(router)
    app.router.routes.insert(0, ProxyRoute())


def claims_no_gateway_route(routes: Iterable[BaseRoute]) -> None:
    """Refuse to build an app where `ProxyRoute`, matched first, would hide a gateway route.

    A route's path is checked, and the route is tried on each service's path and one path
    below it with every method, so a template such as `/v1/{anything}` is caught too.
    """
    probes = [
        {"type": "http", "method": method, "path": path, "root_path": ""}
        for prefix, _ in ROUTES
        for path in (prefix, prefix + "/probe")
        for method in PROBED_METHODS
    ]
    for route in routes:
        path = str(getattr(route, "path", ""))
        if upstream_for(path) is not None or any(
            route.matches(probe)[0] is not Match.NONE for probe in probes
        ):
            raise RuntimeError(f"gateway route {path} lies under a service's path")
