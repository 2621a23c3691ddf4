"""Passing one request to its service: sign who the caller is, send, stream the answer back.

Responses stream back unbuffered (photos, Server-Sent Events). Only idempotent methods are
retried, and only when the request never reached the service (connect errors). A circuit
breaker per service answers 503 at once while that service is failing, instead of letting
every request wait for a timeout. The catch-all proxy and the admin dead-letter routes both
send through `pass_on`, so every route to a service signs, bounds and breaks the same way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from lumbung_shared.errors import Message
from lumbung_shared.identity import IDENTITY_HEADER, Identity, sign_identity
from lumbung_shared.observability import correlation_id
from lumbung_shared.web.middleware import CORRELATION_HEADER
from lumbung_shared.web.problems import problem
from starlette.background import BackgroundTask

from lumbung_gateway.api.bodies import (
    BodyLimits,
    BodyTooLargeError,
    check_declared_length,
    is_upload,
    read_bounded,
    stream_bounded,
)
from lumbung_gateway.api.metrics import GatewayMetrics
from lumbung_gateway.api.upstreams import Upstream
from lumbung_gateway.domain.circuit_breaker import CircuitBreaker
from lumbung_gateway.domain.errors import UpstreamUnavailableError

log = logging.getLogger(__name__)

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

_TIMEOUT = Message(
    id="Layanan tidak menjawab tepat waktu.", en="The service did not answer in time."
)


@dataclass(frozen=True)
class Target:
    """Where a request goes on its service, and the path its signed identity is bound to."""

    url: httpx.URL
    signed_path: str

    @classmethod
    def as_sent(cls, request: Request) -> Target:
        """Path and query exactly as the client encoded them, so nothing is re-interpreted."""
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
        query: bytes = request.scope.get("query_string", b"")
        url = httpx.URL(raw_path=raw_path + (b"?" + query if query else b""))
        return cls(url, request.url.path)


async def pass_on(
    request: Request,
    upstream: Upstream,
    identity: Identity,
    target: Target,
    *,
    limits: BodyLimits,
    metrics: GatewayMetrics,
) -> Response:
    """Send `request` to `target` on `upstream` as `identity`; its answer, streamed back."""
    outgoing, retry = await _outgoing(limits, upstream, request, identity, target)
    breaker = upstream.breaker
    try:
        breaker.ensure_allowed(time.monotonic())
    except UpstreamUnavailableError:
        metrics.breaker_rejections.inc((("upstream", upstream.name),))
        raise
    return await _forward(request, breaker, upstream, outgoing, retry)


def _headers_for_upstream(
    request: Request, identity: Identity, audience: str, path: str
) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k in FORWARDED_REQUEST_HEADERS}
    headers[IDENTITY_HEADER] = sign_identity(
        identity,
        request.app.state.internal_secret,
        audience=audience,
        method=request.method,
        path=path,
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


async def _outgoing(
    limits: BodyLimits, upstream: Upstream, request: Request, identity: Identity, target: Target
) -> tuple[httpx.Request, bool]:
    """The request to send, and whether it may be retried (buffered body, idempotent method)."""
    headers = _headers_for_upstream(request, identity, upstream.name, target.signed_path)
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
        request.method, target.url, headers=headers, content=content
    )
    return built, retry


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
        raise UpstreamUnavailableError(name, breaker.retry_after(time.monotonic())) from None
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
