"""Passing one request to its service: sign who the caller is, send, pass the answer back.

Large or open-ended answers stream back unbuffered (photos, Server-Sent Events); a small answer
of declared length (most JSON) is read whole and sent as one body, because streaming it costs a
task group and a chunk loop per response (14 % of the gateway's CPU, py-spy, issue 13).

Only idempotent methods are retried, and only when the request never reached the service
(connect errors). Every "not now" is a fast 503 with `Retry-After`, never a long wait: a circuit
breaker per service answers at once while that service is failing, a bound on requests in
flight per service refuses the excess at once, and an answer that has not started within the
upstream's `answer_timeout` is given up. The catch-all proxy and the admin dead-letter routes
both send through `pass_on`, so every route to a service signs, bounds and breaks the same way.
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
from lumbung_shared.identity import IDENTITY_HEADER, Identity, sign_identity
from lumbung_shared.observability import correlation_id
from lumbung_shared.web.middleware import CORRELATION_HEADER
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
from lumbung_gateway.domain.errors import (
    UpstreamBusyError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)

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

BUFFERED_BYTES = 64 * 1024
"""Answers up to this declared length are read whole before they are passed back."""


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
    """Send `request` to `target` on `upstream` as `identity`; its answer, passed back."""
    outgoing, retry = await _outgoing(limits, upstream, request, identity, target)
    labels = (("upstream", upstream.name),)
    try:
        with upstream.in_flight.slot():
            try:
                upstream.breaker.ensure_allowed(time.monotonic())
            except UpstreamUnavailableError:
                metrics.breaker_rejections.inc(labels)
                raise
            # An upload's body is still being sent while we wait: only read timeouts apply.
            deadline = None if is_upload(request) else upstream.answer_timeout
            return await _forward(upstream, outgoing, retry, deadline)
    except UpstreamBusyError:
        metrics.busy_rejections.inc(labels)
        raise


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
    upstream: Upstream, outgoing: httpx.Request, retry: bool, deadline: float | None
) -> Response:
    """The service's answer, or a 503 error: unreachable, or no answer within `deadline` s."""
    name, breaker = upstream.name, upstream.breaker
    try:
        async with asyncio.timeout(deadline):
            response = await _send(upstream, outgoing, retry)
    except BodyTooLargeError:
        breaker.record_success(time.monotonic())  # the service is fine; the body was not
        raise
    except (httpx.TimeoutException, TimeoutError):
        breaker.record_failure(time.monotonic())
        log.warning("upstream timed out", extra={"upstream": name, "path": outgoing.url.path})
        raise UpstreamTimeoutError(name, breaker.retry_after(time.monotonic())) from None
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
    if _is_small(response):
        try:
            body = b"".join([chunk async for chunk in response.aiter_raw()])  # as sent, encoded
        except httpx.TransportError as exc:  # the service dropped the answer half-way
            log.warning("upstream answer cut short", extra={"upstream": name, "error": repr(exc)})
            raise UpstreamUnavailableError(name, breaker.retry_after(time.monotonic())) from None
        finally:
            await response.aclose()
        return Response(body, status_code=response.status_code, headers=headers)
    return StreamingResponse(
        response.aiter_raw(),
        status_code=response.status_code,
        headers=headers,
        background=BackgroundTask(response.aclose),
    )


def _is_small(response: httpx.Response) -> bool:
    """A body of declared length up to `BUFFERED_BYTES`; event streams declare none."""
    length = response.headers.get("content-length", "")
    return length.isdigit() and int(length) <= BUFFERED_BYTES
