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

from lumbung_gateway.api.auth import sign_in_first
from lumbung_gateway.api.deps import Edge
from lumbung_gateway.api.forwarding import Target, pass_on
from lumbung_gateway.domain.errors import UpstreamUnavailableError
from lumbung_gateway.domain.rate_limit import LimitScope
from lumbung_gateway.usecases.throttle import Throttle

REPLAYED_HEADER = "idempotent-replayed"
PROXY_PATH = "/v1/{path:path}"
"""The proxy route's path (its metrics label is the routing table's template, see `owner_of`)."""


def _order_bucket(request: Request, who: Identity) -> str | None:
    """Whose order-placement bucket this request spends from; None if it places no order.

    Order placement has its own, stricter bucket per account. Only a buyer's account can place
    an order, so an anonymous caller is refused 401 here, before it spends a token or reaches
    orders: a bucket per address would run dry on retries that can never place anything and
    answer 429 where 401 tells the phone what to do (sign in).
    """
    if request.method != "POST" or request.url.path.rstrip("/") != "/v1/orders":
        return None
    if who.role is Role.ANONYMOUS:
        raise sign_in_first()
    return who.subject


def _refund_placed_nothing(throttle: Throttle, bucket: str | None, response: Response) -> None:
    """A request the answer says placed no order gets its token back (issue 12).

    The limiter is still keyed by account, not by idempotency key: a fresh key per request
    would give every request a fresh bucket, i.e. unlimited new orders. Only the orders
    service knows whether a key was seen with this body, so the token is spent before the
    request goes out and returned when the answer says `Idempotent-Replayed: true`. A 503
    (orders away or not ready) or the service's own 429 (its checkout shedding load, issue 13)
    placed nothing either: the phone's retry after it must not be the one that gets 429. Nor
    did a 403 (a signed-in seller, not a buyer): her next tries are refused 403, not 429.
    """
    if bucket is None:
        return
    replayed = response.headers.get(REPLAYED_HEADER, "").lower() == "true"
    if replayed or response.status_code in {403, 429, 503}:
        throttle.refund(LimitScope.ORDER_PLACEMENT, bucket)


async def forward(request: Request, edge: Edge, identity: Identity, name: str) -> Response:
    """Send `request` to the service `name` (which owns its path) as `identity`, throttled."""
    throttle = edge.throttle
    bucket = _order_bucket(request, identity)
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
    _refund_placed_nothing(throttle, bucket, response)
    return response
