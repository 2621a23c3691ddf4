"""The one door: authenticate the caller, throttle order placement, pass the request on.

Every public path below `/v1` that a service owns (see `domain.upstreams`) is forwarded, with
whatever method it came with, through `forwarding.pass_on` by `proxy_route.ProxyRoute`: the
service knows its own routes, so its 405 (with `Allow`), its `OPTIONS` answer and its 404 reach
the caller as it sent them. Paths no service owns are the gateway's own routes or a 404.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from lumbung_shared.identity import Identity, Role

from lumbung_gateway.api.deps import Edge
from lumbung_gateway.api.forwarding import Target, pass_on
from lumbung_gateway.api.metrics import route_template
from lumbung_gateway.domain.errors import UpstreamUnavailableError
from lumbung_gateway.domain.rate_limit import LimitScope
from lumbung_gateway.usecases.throttle import Throttle

REPLAYED_HEADER = "idempotent-replayed"
PROXY_PATH = "/v1/{path:path}"
"""The proxy's route template (also its metrics label for requests refused before routing)."""


def _order_bucket(request: Request, who: Identity, ip: str) -> str | None:
    """Whose order-placement bucket this request spends from; None if it places no order.

    Order placement has its own, stricter bucket per account (per address if anonymous).
    """
    if request.method == "POST" and request.url.path.rstrip("/") == "/v1/orders":
        return who.subject if who.role is not Role.ANONYMOUS else f"ip:{ip}"
    return None


def _refund_replay(throttle: Throttle, bucket: str | None, response: Response) -> None:
    """An idempotent replay placed no order, so it gets its token back (issue 12).

    The limiter is still keyed by account, not by idempotency key: a fresh key per request
    would give every request a fresh bucket, i.e. unlimited new orders. Only the orders
    service knows whether a key was seen with this body, so the token is spent before the
    request goes out and returned when the answer says `Idempotent-Replayed: true`. A 503
    (orders away or not ready) or the service's own 429 (its checkout shedding load, issue 13)
    placed nothing either: the phone's retry after it must not be the one that gets 429.
    """
    if bucket is None:
        return
    replayed = response.headers.get(REPLAYED_HEADER, "").lower() == "true"
    if replayed or response.status_code in {429, 503}:
        throttle.refund(LimitScope.ORDER_PLACEMENT, bucket)


async def forward(request: Request, edge: Edge, identity: Identity, ip: str, name: str) -> Response:
    """Send `request` to the service `name` (which owns its path) as `identity`, throttled."""
    request.state.metrics_route = route_template(request.url.path)
    request.state.metrics_upstream = name
    throttle = edge.throttle
    bucket = _order_bucket(request, identity, ip)
    if bucket is not None:
        throttle.spend(LimitScope.ORDER_PLACEMENT, bucket)
    try:
        response = await pass_on(
            request,
            edge.upstreams[name],
            identity,
            Target.as_sent(request),
            limits=edge.body_limits,
            metrics=edge.metrics,
        )
    except UpstreamUnavailableError:
        # Circuit open, too many in flight or connection refused: the order was not placed. (A
        # connection dropped after orders stored it is refunded too; the retry is then a replay,
        # so at most one order per dropped connection goes unpriced — no caller can drop them at
        # will.) A timeout (`UpstreamTimeoutError`) keeps its token: the order may be placed.
        if bucket is not None:
            throttle.refund(LimitScope.ORDER_PLACEMENT, bucket)
        raise
    _refund_replay(throttle, bucket, response)
    return response
