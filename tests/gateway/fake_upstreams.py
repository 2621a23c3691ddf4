"""A gateway app over fake services: the real routes, the services replaced by handlers.

Route tests need the gateway's own behaviour (authorise, sign, throttle, break, report), not
Mongo or the services: this builds the gateway's routers around a hand-made state whose
upstream clients send to `httpx.MockTransport` handlers that record what reached them.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from lumbung_gateway.api import dead_letters, health, proxy
from lumbung_gateway.api.bodies import BodyLimits
from lumbung_gateway.api.metrics import GatewayMetrics
from lumbung_gateway.api.problems import install_gateway_problem_handlers
from lumbung_gateway.api.upstreams import Upstream, Upstreams
from lumbung_gateway.domain.circuit_breaker import BreakerPolicy, CircuitBreaker
from lumbung_gateway.domain.client_address import TrustedProxies
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.rate_limit import LimitScope, RateLimit, RateLimiter
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.domain.upstreams import SERVICES
from lumbung_gateway.usecases.api_keys import ApiKeys
from lumbung_gateway.usecases.readiness import Check, Readiness
from lumbung_gateway.usecases.throttle import Throttle
from lumbung_shared.secrets import generate_secret
from lumbung_shared.service import SERVICE_STATE

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]
"""A fake service's answer to one request; an async handler may keep the request waiting."""


def answer_ok(request: httpx.Request) -> httpx.Response:
    """A healthy service: 200 with a small JSON body naming the path it was asked for."""
    return httpx.Response(200, json={"path": request.url.path})


def refuse_connection(request: httpx.Request) -> httpx.Response:
    """A stopped service: the connection is refused."""
    raise httpx.ConnectError("connection refused", request=request)


@dataclass
class FakeService:
    """One service behind the gateway: its handler, and every request that reached it."""

    name: str
    handler: Handler = answer_ok
    received: list[httpx.Request] = field(default_factory=list)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.received.append(request)
        answer = self.handler(request)
        if inspect.isawaitable(answer):
            answer = await answer
        # Streamed back as a real service's answer is: the proxy reads it raw, chunk by chunk.
        return httpx.Response(
            answer.status_code, headers=answer.headers, stream=_Streamed(answer.read())
        )


class _Streamed(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body


@dataclass
class FakeGateway:
    """The running app's client, its fake services, and what signs tokens and identities."""

    client: httpx.AsyncClient
    services: dict[str, FakeService]
    tokens: TokenIssuer
    internal_secret: bytes

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
    upstreams = Upstreams(
        {
            name: Upstream(
                name,
                httpx.AsyncClient(transport=httpx.MockTransport(fake), base_url=f"http://{name}"),
                CircuitBreaker(name, policy),
                max_in_flight,
                answer_timeout,
            )
            for name, fake in services.items()
        }
    )
    tokens = TokenIssuer(
        KeySet.from_setting(f"k1:{generate_secret()}"), "https://lumbung.id", "lumbung-api"
    )
    secret = generate_secret().encode()
    state = SimpleNamespace(
        throttle=Throttle(RateLimiter(_limits(order_burst))),
        tokens=tokens,
        api_keys=ApiKeys(keys=None, accounts=None),  # type: ignore[arg-type]  # never asked
        trusted_proxies=TrustedProxies.parse(""),
        upstreams=upstreams,
        metrics=GatewayMetrics(),
        body_limits=BodyLimits(256 * 1024, 1024 * 1024),
        readiness=Readiness(
            {"mongo": store_check},
            {name: _upstream_check(upstreams, name) for name in upstreams},
        ),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        yield {SERVICE_STATE: state}
        await upstreams.aclose()

    app = FastAPI(lifespan=lifespan)
    app.state.internal_secret = secret
    install_gateway_problem_handlers(app)
    for module in (health, dead_letters, proxy):
        app.include_router(module.router)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield FakeGateway(client, services, tokens, secret)


def _upstream_check(upstreams: Upstreams, name: str) -> Check:
    async def check() -> str | None:
        return await upstreams.unready_reason(name)

    return check
