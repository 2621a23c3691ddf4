"""The services' paths served as one pure-ASGI route, matched first with one table lookup.

Through FastAPI every proxied request paid for trying each of the gateway's routers in turn,
solving the catch-all's dependency tree (edge, address, caller) with its per-request
bookkeeping, and the request/response wrapper: served here, the gateway's CPU per proxied GET
fell from ~2.0 to ~1.4 ms (bench section gateway, issue 13). Starlette's router takes any
`BaseRoute`, so this one claims a request when `domain.upstreams` names the service owning its
path and the catch-all would take its method, then resolves the same collaborators by hand and
calls the same `proxy.forward`: the same authentication, throttling, limits and answers.
Errors propagate as from any route, so the app's exception handlers render the same
problem+json answers.

Whatever it does not claim (another method, a path no service owns) goes on to the gateway's
own routes and the FastAPI catch-all as before. Being first is safe only while no gateway route
lies under a service's path; `include_routes` checks that when the app is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from lumbung_shared.service import SERVICE_STATE
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from lumbung_gateway.api import proxy
from lumbung_gateway.api.auth import authenticate
from lumbung_gateway.api.deps import Edge, client_ip
from lumbung_gateway.api.proxy import CATCH_ALL, PROXIED_METHODS, forward
from lumbung_gateway.domain.upstreams import ROUTES, upstream_for

_NO_MATCH: tuple[Match, Scope] = (Match.NONE, {})
_CLAIMED: tuple[Match, Scope] = (Match.FULL, {})


class ProxyRoute(BaseRoute):
    """Claims `PROXIED_METHODS` on every path a service owns; forwards them like the catch-all."""

    path = CATCH_ALL
    """Read by the metrics middleware for requests refused before the upstream is known."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """FULL for a service's path and a proxied method, else NONE (the router goes on)."""
        if scope["type"] != "http" or scope["method"] not in PROXIED_METHODS:
            return _NO_MATCH
        # The full path, as `forward` reads it (`request.url.path`): claimed iff it is forwarded.
        return _CLAIMED if upstream_for(scope["path"]) is not None else _NO_MATCH

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Resolve what the catch-all's dependencies would, in their order, and forward."""
        request = Request(scope, receive)
        edge = scope["state"][SERVICE_STATE].edge
        if not isinstance(edge, Edge):
            raise TypeError(f"service state 'edge' is {type(edge).__name__}, not Edge")
        ip = await client_ip(request, edge)
        identity = await authenticate(request, edge, ip)
        response = await forward(request, edge, identity, ip)
        await response(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """Nothing links to the proxy by name."""
        raise NoMatchFound(name, path_params)


def include_routes(app: FastAPI, own: Sequence[APIRouter]) -> None:
    """The gateway's `own` routers in order, `ProxyRoute` before them, the catch-all after."""
    claims_no_gateway_route([route for router in own for route in router.routes])
    for router in own:
        app.include_router(router)
    app.router.routes.insert(0, ProxyRoute())
    app.include_router(proxy.router)


def claims_no_gateway_route(routes: Iterable[BaseRoute]) -> None:
    """Refuse to build an app where `ProxyRoute`, matched first, would hide a gateway route.

    A route's path is checked, and the route is tried on each service's path and one path
    below it with every proxied method, so a template such as `/v1/{anything}` is caught too.
    """
    probes = [
        {"type": "http", "method": method, "path": path, "root_path": ""}
        for prefix, _ in ROUTES
        for path in (prefix, prefix + "/probe")
        for method in sorted(PROXIED_METHODS)
    ]
    for route in routes:
        path = str(getattr(route, "path", ""))
        if upstream_for(path) is not None or any(
            route.matches(probe)[0] is not Match.NONE for probe in probes
        ):
            raise RuntimeError(f"gateway route {path} lies under a service's path")
