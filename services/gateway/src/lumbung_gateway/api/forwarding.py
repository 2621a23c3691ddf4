"""Passing one request to its service: sign who the caller is, send, pass the answer back.

Large or open-ended answers stream back unbuffered (photos, Server-Sent Events); a small answer
of declared length (most JSON) is read whole and sent as one body, because streaming it costs a
task group and a chunk loop per response (14 % of the gateway's CPU, py-spy, issue 13). Headers
pass both ways as raw byte pairs, filtered by name: no header dict is built per request.

A HEAD reaches the routes as its GET (`lumbung_shared.web.methods`) and goes on as a HEAD,
signed as the GET the service runs it as, so the service sends no body; its `Content-Length`
(the GET's) is passed back.

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
from urllib.parse import urlencode

import aiohttp
from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from lumbung_shared.identity import IDENTITY_HEADER, Identity, sign_identity
from lumbung_shared.observability import correlation_id
from lumbung_shared.web.methods import HEAD_SCOPE_KEY
from lumbung_shared.web.middleware import CORRELATION_HEADER
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from yarl import URL

from lumbung_gateway.api.bodies import (
    BodyLimits,
    BodyTooLargeError,
    check_declared_length,
    is_upload,
    read_bounded,
    stream_bounded,
)
from lumbung_gateway.api.upstreams import Upstream
from lumbung_gateway.domain.errors import (
    UpstreamBusyError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from lumbung_gateway.metrics import CallOutcome, GatewayMetrics

log = logging.getLogger(__name__)

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
CONNECT_RETRIES = 2
FAILURE_STATUSES = frozenset({502, 503, 504})
FORWARDED_REQUEST_HEADERS = frozenset(
    {
        b"accept",
        b"accept-language",
        b"content-type",
        b"if-match",
        b"if-none-match",
        b"if-modified-since",
        b"if-range",
        b"range",
        b"idempotency-key",
        b"last-event-id",
        b"user-agent",
        b"webhook-signature",
        b"webhook-id",
        b"webhook-timestamp",
        b"x-payment-callback-id",
        b"x-payment-signature",
        b"x-payment-timestamp",
    }
)
DROPPED_RESPONSE_HEADERS = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"transfer-encoding",
        b"content-length",
        b"server",
        b"date",
        CORRELATION_HEADER.encode(),
    }
)

BUFFERED_BYTES = 64 * 1024
"""Answers up to this declared length are read whole before they are passed back."""

RawHeaders = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class Target:
    """Where a request goes on its service (path and query, encoded), and the signed path."""

    path_and_query: str
    signed_path: str

    @classmethod
    def as_sent(cls, request: Request) -> Target:
        """Path and query exactly as the client encoded them, so nothing is re-interpreted."""
        raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
        query: bytes = request.scope.get("query_string", b"")
        sent = raw_path + (b"?" + query if query else b"")
        return cls(sent.decode("latin-1"), request.url.path)

    @classmethod
    def with_query(cls, path: str, params: dict[str, str | int]) -> Target:
        """`path` with `params` encoded afresh (for routes that re-build what they send)."""
        query = urlencode(params)
        return cls(f"{path}?{query}" if query else path, path)


@dataclass(frozen=True)
class _Outgoing:
    """One request as it will be sent: method, absolute URL, headers, body, retry allowed."""

    method: str
    url: URL
    headers: dict[str, str]
    body: bytes | AsyncIterator[bytes]
    retry: bool


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
    outgoing = await _outgoing(limits, upstream, request, identity, target)
    try:
        with upstream.in_flight.slot():
            try:
                upstream.breaker.ensure_allowed(time.monotonic())
            except UpstreamUnavailableError:
                metrics.called(upstream.name, CallOutcome.CIRCUIT_OPEN)
                raise
            # An upload's body is still being sent while we wait: only read timeouts apply.
            deadline = None if is_upload(request) else upstream.answer_timeout
            return await _counted(upstream, outgoing, deadline, metrics)
    except UpstreamBusyError:
        metrics.called(upstream.name, CallOutcome.BUSY)
        raise


async def _counted(
    upstream: Upstream, outgoing: _Outgoing, deadline: float | None, metrics: GatewayMetrics
) -> Response:
    """`_forward`, its outcome and time counted (a body the caller overran counts as neither)."""
    started = time.perf_counter()
    try:
        answer = await _forward(upstream, outgoing, deadline)
    except UpstreamTimeoutError:
        metrics.called(upstream.name, CallOutcome.TIMED_OUT)
        raise
    except UpstreamUnavailableError:
        metrics.called(upstream.name, CallOutcome.UNREACHABLE)
        raise
    failed = answer.status_code in FAILURE_STATUSES
    outcome = CallOutcome.FAILED if failed else CallOutcome.ANSWERED
    metrics.called(upstream.name, outcome, time.perf_counter() - started)
    return answer


def _headers_for_upstream(
    request: Request, identity: Identity, audience: str, path: str
) -> dict[str, str]:
    headers = {
        k.decode("latin-1"): v.decode("latin-1")
        for k, v in request.scope["headers"]
        if k in FORWARDED_REQUEST_HEADERS
    }
    headers[IDENTITY_HEADER] = sign_identity(
        identity,
        request.app.state.internal_secret,
        audience=audience,
        method="GET" if request.method == "HEAD" else request.method,
        path=path,
    )
    headers[CORRELATION_HEADER] = correlation_id()
    return headers


async def _outgoing(
    limits: BodyLimits, upstream: Upstream, request: Request, identity: Identity, target: Target
) -> _Outgoing:
    """The request to send; retried only with a buffered body and an idempotent method."""
    headers = _headers_for_upstream(request, identity, upstream.name, target.signed_path)
    body: bytes | AsyncIterator[bytes]
    if is_upload(request):
        limit = limits.max_upload_bytes
        check_declared_length(request, limit)
        if "content-length" in request.headers:
            headers["content-length"] = request.headers["content-length"]
        body, retry = stream_bounded(request, limit), False
    else:
        body = await read_bounded(request, limits.max_body_bytes)
        retry = request.method in IDEMPOTENT
    url = URL(upstream.base_url + target.path_and_query, encoded=True)
    method = "HEAD" if request.scope.get(HEAD_SCOPE_KEY) else request.method
    return _Outgoing(method, url, headers, body, retry)


async def _send(upstream: Upstream, outgoing: _Outgoing) -> aiohttp.ClientResponse:
    """Send, retrying connect failures (the request never left) when the request allows."""
    attempts = CONNECT_RETRIES + 1 if outgoing.retry else 1
    for attempt in range(1, attempts + 1):
        try:
            return await upstream.session.request(
                outgoing.method,
                outgoing.url,
                headers=outgoing.headers,
                data=outgoing.body or None,  # no empty body, no `Content-Length: 0` on a GET
                allow_redirects=False,
            )
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError):
            # Never reached the service (refused, or no connection in time): safe to retry.
            if attempt == attempts:
                raise
            await asyncio.sleep(0.05 * attempt)
        except aiohttp.ClientConnectionError as exc:
            # aiohttp wraps what the body's reader raised; a refused body is the caller's fault.
            if isinstance(exc.__cause__, BodyTooLargeError | HTTPException):
                raise exc.__cause__ from None
            raise
    raise AssertionError("unreachable")


async def _forward(upstream: Upstream, outgoing: _Outgoing, deadline: float | None) -> Response:
    """The service's answer, or a 503 error: unreachable, or no answer within `deadline` s."""
    name, breaker = upstream.name, upstream.breaker
    try:
        async with asyncio.timeout(deadline):
            response = await _send(upstream, outgoing)
    except (BodyTooLargeError, HTTPException):
        breaker.record_success(time.monotonic())  # the service is fine; the body was not
        raise
    except aiohttp.ConnectionTimeoutError as exc:  # a TimeoutError too, but nothing was sent
        breaker.record_failure(time.monotonic())
        log.warning("upstream unreachable", extra={"upstream": name, "error": repr(exc)})
        raise UpstreamUnavailableError(name, breaker.retry_after(time.monotonic())) from None
    except TimeoutError:  # aiohttp's read timeout and our answer deadline
        breaker.record_failure(time.monotonic())
        log.warning("upstream timed out", extra={"upstream": name, "path": outgoing.url.path})
        raise UpstreamTimeoutError(name, breaker.retry_after(time.monotonic())) from None
    except aiohttp.ClientError as exc:
        breaker.record_failure(time.monotonic())
        log.warning("upstream unreachable", extra={"upstream": name, "error": repr(exc)})
        raise UpstreamUnavailableError(name, breaker.retry_after(time.monotonic())) from None
    if response.status in FAILURE_STATUSES:
        breaker.record_failure(time.monotonic())
    else:
        breaker.record_success(time.monotonic())
    headers = [(k, v) for k, v in response.raw_headers if k.lower() not in DROPPED_RESPONSE_HEADERS]
    if outgoing.method == "HEAD":  # no body came; the GET's length, if declared, goes back
        response.release()
        length = response.headers.get("content-length")
        answer = Response(status_code=response.status, headers={"content-length": length or "0"})
    elif _is_small(response):
        try:
            body = await response.read()  # as sent, encoded (the session does not decompress)
        except (aiohttp.ClientError, TimeoutError) as exc:  # the answer was cut short
            log.warning("upstream answer cut short", extra={"upstream": name, "error": repr(exc)})
            raise UpstreamUnavailableError(name, breaker.retry_after(time.monotonic())) from None
        finally:
            response.release()
        answer = Response(body, status_code=response.status)
    else:
        answer = StreamingResponse(
            response.content.iter_any(),
            status_code=response.status,
            background=BackgroundTask(_released, response),
        )
    answer.raw_headers.extend(headers)  # after Starlette's own content-length, if any
    return answer


async def _released(response: aiohttp.ClientResponse) -> None:
    """A coroutine, so Starlette runs it on the loop: a plain function would go to a thread."""
    response.release()


def _is_small(response: aiohttp.ClientResponse) -> bool:
    """A body of declared length up to `BUFFERED_BYTES`; event streams declare none."""
    length = response.content_length
    return length is not None and length <= BUFFERED_BYTES
