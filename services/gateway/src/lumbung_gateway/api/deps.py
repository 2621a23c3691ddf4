"""What the gateway's routes depend on, each exactly one collaborator of the lifespan's state.

The lifespan keeps one typed `GatewayState` (see `main`) as `request.state.service`; every alias
here picks one attribute of it, so a route declares what it uses and nothing reaches through a
runtime object. Every dependency is a coroutine (`from_service` and `client_ip`): a plain `def`
would cost a worker-thread hop per request.

The hot path takes its collaborators as one `Edge`: FastAPI resolves each dependency with its
own bookkeeping (cache key, parameter solving), and the proxy's nine were 13 % of the
gateway's CPU under load (py-spy, issue 13); with `Edge` it resolves three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from lumbung_shared.web.state import from_service

from lumbung_gateway.api.bodies import BodyLimits
from lumbung_gateway.api.upstreams import Upstreams
from lumbung_gateway.domain.client_address import TrustedProxies
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.metrics import GatewayMetrics
from lumbung_gateway.usecases.accounts import Accounts
from lumbung_gateway.usecases.api_keys import ApiKeys
from lumbung_gateway.usecases.describe_api import ApiDescription
from lumbung_gateway.usecases.readiness import Readiness
from lumbung_gateway.usecases.sessions import Sessions
from lumbung_gateway.usecases.throttle import Throttle

AccountsDep = Annotated[Accounts, Depends(from_service("accounts", Accounts))]
SessionsDep = Annotated[Sessions, Depends(from_service("sessions", Sessions))]
ApiKeysDep = Annotated[ApiKeys, Depends(from_service("api_keys", ApiKeys))]
ThrottleDep = Annotated[Throttle, Depends(from_service("throttle", Throttle))]
ReadinessDep = Annotated[Readiness, Depends(from_service("readiness", Readiness))]
ApiDescriptionDep = Annotated[
    ApiDescription, Depends(from_service("api_description", ApiDescription))
]


@dataclass(frozen=True)
class Edge:
    """What every request crossing the gateway uses: who it is, its budget, where it goes."""

    throttle: Throttle
    tokens: TokenIssuer
    api_keys: ApiKeys
    trusted_proxies: TrustedProxies
    upstreams: Upstreams
    metrics: GatewayMetrics
    body_limits: BodyLimits


EdgeDep = Annotated[Edge, Depends(from_service("edge", Edge))]


async def client_ip(request: Request, edge: EdgeDep) -> str:
    """The caller's address: the peer, or the last untrusted hop of X-Forwarded-For."""
    peer = request.client.host if request.client else "unknown"
    return edge.trusted_proxies.client_address(peer, request.headers.get("x-forwarded-for", ""))


ClientIp = Annotated[str, Depends(client_ip)]
