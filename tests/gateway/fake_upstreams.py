"""A gateway app over fake services: the real routes, the services replaced by handlers.

Route tests need the gateway's own behaviour (authorise, sign, throttle, break, report), not
Mongo or the services: this builds the gateway's routers around a hand-made state whose
upstream sessions are the gateway's own (aiohttp, pooled) and reach one real HTTP server per
fake service on 127.0.0.1. Each server hands what arrived to a handler as an `httpx.Request`
(a plain value to assert on), records it, and sends the handler's `httpx.Response` back over
the wire: with its length when it declares one, chunked when not (like an event stream). The
app counts into a registry of its own, with the real app's metrics middleware and families.
"""

from __future__ import annotations

import inspect
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
from aiohttp import web
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from lumbung_gateway.api import dead_letters, health
from lumbung_gateway.api.bodies import BodyLimits
from lumbung_gateway.api.deps import Edge
from lumbung_gateway.api.problems import install_gateway_problem_handlers
from lumbung_gateway.api.proxy_route import include_routes
from lumbung_gateway.api.upstreams import Upstream, Upstreams, pooled_session
from lumbung_gateway.domain.circuit_breaker import BreakerPolicy, CircuitBreaker
from lumbung_gateway.domain.client_address import TrustedProxies
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.rate_limit import LimitScope, RateLimit, RateLimiter
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.domain.upstreams import SERVICES
from lumbung_gateway.metrics import GatewayMetrics
from lumbung_gateway.usecases.api_keys import ApiKeys
from lumbung_gateway.usecases.readiness import Check, Readiness
from lumbung_gateway.usecases.throttle import Throttle
from lumbung_shared.metrics import new_registry
from lumbung_shared.secrets import generate_secret
from lumbung_shared.service import SERVICE_STATE
from lumbung_shared.web.http_metrics import HttpMetricsMiddleware
from lumbung_shared.web.methods import HeadAsGetMiddleware
from prometheus_client import CollectorRegistry

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]
"""A fake service's answer to one request; an async handler may keep the request waiting."""


def answer_ok(request: httpx.Request) -> httpx.Response:
    """A healthy service: 200 with a small JSON body naming the path it was asked for."""
    return httpx.Response(200, json={"path": request.url.path})


def refuse_connection(request: httpx.Request) -> httpx.Response:
    """A stopped service: nothing listens on its port, every connection is refused.

    Raised from any other handler, `httpx.ConnectError` drops that request's connection
    without an answer instead: a service that went away while the request was on its way.
    """
    raise httpx.ConnectError("connection refused", request=request)


@dataclass
class FakeService:
    """One service behind the gateway: its handler, and every request that reached it."""

    name: str
    handler: Handler = answer_ok
    received: list[httpx.Request] = field(default_factory=list)

    async def __call__(self, incoming: web.BaseRequest) -> web.StreamResponse:
        request = httpx.Request(
            incoming.method,
            f"http://{self.name}{incoming.raw_path}",
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in incoming.raw_headers],
            content=await incoming.read(),
        )
        self.received.append(request)
        try:
            answer = self.handler(request)
            if inspect.isawaitable(answer):
                answer = await answer
        except httpx.ConnectError:
            if incoming.transport is not None:
                incoming.transport.abort()
            return web.Response(status=500)  # never reaches the gateway: the line is cut
        return await _sent_back(incoming, answer)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        """The base URL of this service: a server on 127.0.0.1, or a closed port if stopped."""
        if self.handler is refuse_connection:
            yield f"http://127.0.0.1:{_closed_port()}"
            return
        runner = web.ServerRunner(web.Server(self), shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        try:
            host, port = runner.addresses[0][:2]
            yield f"http://{host}:{port}"
        finally:
            await runner.cleanup()


async def _sent_back(incoming: web.BaseRequest, answer: httpx.Response) -> web.StreamResponse:
    """`answer` over the wire: its declared length kept, chunked when it declares none."""
    body = answer.read()
    response = web.StreamResponse(status=answer.status_code)
    for name, value in answer.headers.multi_items():
        response.headers.add(name, value)
    await response.prepare(incoming)
    if incoming.method != "HEAD":  # a HEAD's answer is headers only, as any HTTP server sends
        await response.write(body)
    await response.write_eof()
    return response


def _closed_port() -> int:
    """A port nothing listens on (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class FakeGateway:
    """The running app's client, its fake services, what signs tokens and identities, and the
    registry its metrics are in."""

    client: httpx.AsyncClient
    services: dict[str, FakeService]
    tokens: TokenIssuer
    internal_secret: bytes
    registry: CollectorRegistry
    upstreams: Upstreams

    def bearer(self, role: str, subject: str | None = None) -> dict[str, str]:
        """The Authorization header of an access token for `role`."""
        token = self.tokens.issue(subject or f"{role}-1", Role(role))
        return {"Authorization": f"Bearer {token}"}


async def _store_fine() -> str | None:
    return None


def _limits(order_burst: float) -> dict[str, RateLimit]:
    loose = RateLimit(1000, 100)
    limits = {scope: loose for scope in LimitScope}
    limits[LimitScope.ORDER_PLACEMENT] = RateLimit(order_burst, 0.001)
    return limits


@asynccontextmanager
async def fake_gateway(
    handlers: dict[str, Handler] | None = None,
    *,
    order_burst: float = 10,
    store_check: Check = _store_fine,
    breaker_cooldown: float = 30,
    max_in_flight: int = 32,
    answer_timeout: float = 5.0,
) -> AsyncIterator[FakeGateway]:
    """The gateway's health, dead-letter and proxy routes in front of fake services."""
    services = {name: FakeService(name, (handlers or {}).get(name, answer_ok)) for name in SERVICES}
    policy = BreakerPolicy(consecutive_failures=3, cooldown=breaker_cooldown)
    async with AsyncExitStack() as servers:
        upstreams = Upstreams(
            {
                name: Upstream(
                    name,
                    await servers.enter_async_context(fake.serving()),
                    pooled_session(connect_timeout=2.0, read_timeout=10.0),
                    CircuitBreaker(name, policy),
                    max_in_flight,
                    answer_timeout,
                )
                for name, fake in services.items()
            }
        )
        registry = new_registry()
        metrics = GatewayMetrics(registry)
        metrics.watch(upstreams)
        state = _state(upstreams, order_burst, store_check, metrics)

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
            yield {SERVICE_STATE: state}
            await upstreams.aclose()

        app = FastAPI(lifespan=lifespan)
        app.state.internal_secret = generate_secret().encode()
        install_gateway_problem_handlers(app)
        app.add_middleware(HttpMetricsMiddleware, registry=registry, service="gateway")
        app.add_middleware(HeadAsGetMiddleware)
        include_routes(app, [health.router, dead_letters.router])
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
                yield FakeGateway(
                    c, services, state.edge.tokens, app.state.internal_secret, registry, upstreams
                )


def _state(
    upstreams: Upstreams, order_burst: float, store_check: Check, metrics: GatewayMetrics
) -> SimpleNamespace:
    """What the routes take from the lifespan: loose limits but order placement, no store."""
    edge = Edge(
        throttle=Throttle(RateLimiter(_limits(order_burst))),
        tokens=TokenIssuer(
            KeySet.from_setting(f"k1:{generate_secret()}"), "https://lumbung.id", "lumbung-api"
        ),
        api_keys=ApiKeys(keys=None, accounts=None),  # type: ignore[arg-type]  # never asked
        trusted_proxies=TrustedProxies.parse(""),
        upstreams=upstreams,
        metrics=metrics,
        body_limits=BodyLimits(256 * 1024, 1024 * 1024),
    )
    return SimpleNamespace(
        edge=edge,
        readiness=Readiness(
            {"mongo": store_check},
            {name: _upstream_check(upstreams, name) for name in upstreams},
        ),
    )


def _upstream_check(upstreams: Upstreams, name: str) -> Check:
    async def check() -> str | None:
        return await upstreams.unready_reason(name)

    return check
