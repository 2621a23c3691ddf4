"""The one door: authenticate the caller, sign who they are, and pass the request on.

Responses stream back unbuffered (photos, Server-Sent Events). Only idempotent methods are
retried, and only when the request never reached the service (connect errors). A circuit
breaker per service answers 503 at once while that service is failing, instead of letting
every request wait for a timeout.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from lumbung_shared.errors import Message
from lumbung_shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from lumbung_shared.observability import correlation_id
from lumbung_shared.web.middleware import CORRELATION_HEADER
from lumbung_shared.web.problems import problem, status_problem
from starlette.background import BackgroundTask

from lumbung_gateway.api.auth import Caller
from lumbung_gateway.api.bodies import (
    BodyLimits,
    BodyTooLargeError,
    check_declared_length,
    is_upload,
    read_bounded,
    stream_bounded,
)
from lumbung_gateway.api.deps import BodyLimitsDep, ClientIp, MetricsDep, ThrottleDep, UpstreamsDep
from lumbung_gateway.api.metrics import route_template
from lumbung_gateway.api.upstreams import Upstream
from lumbung_gateway.domain.circuit_breaker import CircuitBreaker
from lumbung_gateway.domain.errors import UpstreamUnavailableError
from lumbung_gateway.domain.upstreams import upstream_for
from lumbung_gateway.usecases.throttle import Limit, Throttle

log = logging.getLogger(__name__)

router = APIRouter()

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
CONNECT_RETRIES = 2
FAILURE_STATUSES = frozenset({502, 503, 504})
FORWARDED_REQUEST_HEADERS = frozenset(
    {
        "accept",
        "accept-language",
        "content-type",
        "if-match",
        "if-none-match",
        "if-modified-since",
        "if-range",
        "range",
        "idempotency-key",
        "last-event-id",
        "user-agent",
        "webhook-signature",
        "webhook-id",
        "webhook-timestamp",
        "x-payment-callback-id",
        "x-payment-signature",
        "x-payment-timestamp",
    }
)
DROPPED_RESPONSE_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "server",
        "date",
        CORRELATION_HEADER,
    }
)

_UNAVAILABLE = Message(
    id="Layanan sedang tidak tersedia, coba lagi sebentar lagi.",
    en="The service is unavailable; try again shortly.",
)
_TIMEOUT = Message(
    id="Layanan tidak menjawab tepat waktu.", en="The service did not answer in time."
)


def _headers_for_upstream(request: Request, identity: Identity, audience: str) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k in FORWARDED_REQUEST_HEADERS}
    headers[IDENTITY_HEADER] = sign_identity(
        identity,
        request.app.state.internal_secret,
        audience=audience,
        method=request.method,
        path=request.url.path,
    )
    headers[CORRELATION_HEADER] = correlation_id()
    return headers


async def _send(upstream: Upstream, request: httpx.Request, retry: bool) -> httpx.Response:
    """Send, retrying connect failures (the request never left) when `retry` allows."""
    attempts = CONNECT_RETRIES + 1 if retry else 1
    for attempt in range(1, attempts + 1):
        try:
            return await upstream.client.send(request, stream=True)
        except httpx.ConnectError:
            if attempt == attempts:
                raise
            await asyncio.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def _throttle_writes(throttle: Throttle, request: Request, who: Identity, ip: str) -> None:
    """Order placement has its own, stricter bucket per account (per address if anonymous)."""
    if request.method == "POST" and request.url.path.rstrip("/") == "/v1/orders":
        key = who.subject if who.role is not Role.ANONYMOUS else f"ip:{ip}"
        throttle.spend(Limit.ORDER, key)


async def _outgoing(
    limits: BodyLimits, upstream: Upstream, request: Request, identity: Identity
) -> tuple[httpx.Request, bool]:
    """The request to send, and whether it may be retried (buffered body, idempotent method)."""
    headers = _headers_for_upstream(request, identity, upstream.name)
    content: bytes | AsyncIterator[bytes]
    if is_upload(request):
        limit = limits.max_upload_bytes
        check_declared_length(request, limit)
        if "content-length" in request.headers:
            headers["content-length"] = request.headers["content-length"]
        content, retry = stream_bounded(request, limit), False
    else:
        content = await read_bounded(request, limits.max_body_bytes)
        retry = request.method in IDEMPOTENT
    built = upstream.client.build_request(
        request.method, _raw_target(request), headers=headers, content=content
    )
    return built, retry


def _raw_target(request: Request) -> httpx.URL:
    """Path and query exactly as the client encoded them, so nothing is re-interpreted."""
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    query: bytes = request.scope.get("query_string", b"")
    return httpx.URL(raw_path=raw_path + (b"?" + query if query else b""))


@router.api_route(
    "/v1/{path:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
)
async def proxy(
    path: str,
    request: Request,
    *,
    identity: Caller,
    ip: ClientIp,
    throttle: ThrottleDep,
    upstreams: UpstreamsDep,
    limits: BodyLimitsDep,
    metrics: MetricsDep,
) -> Response:
    """Forward an authenticated request to the service that owns its path."""
    name = upstream_for(request.url.path)
    if name is None:
        return status_problem(request, 404)
    request.state.metrics_route = route_template(request.url.path)
    request.state.metrics_upstream = name
    _throttle_writes(throttle, request, identity, ip)
    upstream = upstreams[name]
    outgoing, retry = await _outgoing(limits, upstream, request, identity)
    breaker = upstream.breaker
    try:
        breaker.ensure_allowed(time.monotonic())
    except UpstreamUnavailableError:
        metrics.breaker_rejections.inc((("upstream", name),))
        raise
    return await _forward(request, breaker, upstream, outgoing, retry)


async def _forward(
    request: Request,
    breaker: CircuitBreaker,
    upstream: Upstream,
    outgoing: httpx.Request,
    retry: bool,
) -> Response:
    name = upstream.name
    try:
        response = await _send(upstream, outgoing, retry)
    except BodyTooLargeError:
        breaker.record_success(time.monotonic())  # the service is fine; the body was not
        raise
    except httpx.TimeoutException:
        breaker.record_failure(time.monotonic())
        log.warning("upstream timed out", extra={"upstream": name, "path": outgoing.url.path})
        return problem(request, 504, "upstream-timeout", _TIMEOUT, upstream=name)
    except httpx.TransportError as exc:
        breaker.record_failure(time.monotonic())
        log.warning("upstream unreachable", extra={"upstream": name, "error": repr(exc)})
        wait = max(1, round(breaker.retry_after(time.monotonic())))
        return problem(
            request,
            503,
            "upstream-unavailable",
            _UNAVAILABLE,
            headers={"Retry-After": str(wait)},
            upstream=name,
            retry_after_seconds=wait,
        )
    if response.status_code in FAILURE_STATUSES:
        breaker.record_failure(time.monotonic())
    else:
        breaker.record_success(time.monotonic())
    headers = {
        k: v for k, v in response.headers.items() if k.lower() not in DROPPED_RESPONSE_HEADERS
    }
    return StreamingResponse(
        response.aiter_raw(),
        status_code=response.status_code,
        headers=headers,
        background=BackgroundTask(response.aclose),
    )
