"""What the gateway's routes depend on, each exactly one collaborator of the lifespan's state.

The lifespan keeps one typed `GatewayState` (see `main`) as `request.state.service`; every alias
here picks one attribute of it, so a route declares what it uses and nothing reaches through a
runtime object.

Every dependency here is a coroutine, never a plain `def`: FastAPI runs a plain function in a
worker thread, one thread hop per dependency per request. The proxy resolves seven of them,
and those hops were 11 % of the gateway's CPU under load (py-spy, issue 13).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from lumbung_gateway.api.bodies import BodyLimits
from lumbung_gateway.api.metrics import GatewayMetrics
from lumbung_gateway.api.upstreams import Upstreams
from lumbung_gateway.domain.client_address import TrustedProxies
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.usecases.accounts import Accounts
from lumbung_gateway.usecases.api_keys import ApiKeys
from lumbung_gateway.usecases.describe_api import ApiDescription
from lumbung_gateway.usecases.readiness import Readiness
from lumbung_gateway.usecases.sessions import Sessions
from lumbung_gateway.usecases.throttle import Throttle

T = TypeVar("T")


def from_service(attribute: str, kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """`lumbung_shared.web.state.from_service` as a coroutine (see the module docstring)."""

    async def dependency(request: Request) -> T:
        value = getattr(request.state.service, attribute)
        if not isinstance(value, kind):
            raise TypeError(f"service state {attribute!r} is {type(value).__name__}, not {kind}")
        return value

    dependency.__name__ = f"{attribute}_from_service"
    return dependency


AccountsDep = Annotated[Accounts, Depends(from_service("accounts", Accounts))]
SessionsDep = Annotated[Sessions, Depends(from_service("sessions", Sessions))]
ApiKeysDep = Annotated[ApiKeys, Depends(from_service("api_keys", ApiKeys))]
ThrottleDep = Annotated[Throttle, Depends(from_service("throttle", Throttle))]
TokensDep = Annotated[TokenIssuer, Depends(from_service("tokens", TokenIssuer))]
UpstreamsDep = Annotated[Upstreams, Depends(from_service("upstreams", Upstreams))]
MetricsDep = Annotated[GatewayMetrics, Depends(from_service("metrics", GatewayMetrics))]
ReadinessDep = Annotated[Readiness, Depends(from_service("readiness", Readiness))]
ApiDescriptionDep = Annotated[
    ApiDescription, Depends(from_service("api_description", ApiDescription))
]
BodyLimitsDep = Annotated[BodyLimits, Depends(from_service("body_limits", BodyLimits))]
_Proxies = Annotated[TrustedProxies, Depends(from_service("trusted_proxies", TrustedProxies))]


async def client_ip(request: Request, proxies: _Proxies) -> str:
    """The caller's address: the peer, or the last untrusted hop of X-Forwarded-For."""
    peer = request.client.host if request.client else "unknown"
    return proxies.client_address(peer, request.headers.get("x-forwarded-for", ""))


ClientIp = Annotated[str, Depends(client_ip)]
