"""The one door: authenticate the caller, sign who they are, and pass the request on.

Responses stream back unbuffered (photos, Server-Sent Events). Only idempotent methods are
retried, and only when the request never reached the service (connect errors).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse
from lumbung_shared.errors import Message
from lumbung_shared.observability import correlation_id
from lumbung_shared.web.identity import IDENTITY_HEADER, Identity, sign_identity
from lumbung_shared.web.middleware import CORRELATION_HEADER
from lumbung_shared.web.problems import problem, status_problem
from starlette.background import BackgroundTask

from lumbung_gateway.api.auth import authenticate
from lumbung_gateway.upstreams import Upstream, upstream_for

log = logging.getLogger(__name__)

router = APIRouter()

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
CONNECT_RETRIES = 2
FORWARDED_REQUEST_HEADERS = frozenset(
    {
        "accept",
        "accept-language",
        "content-type",
        "if-match",
        "if-none-match",
        "if-modified-since",
        "idempotency-key",
        "last-event-id",
        "user-agent",
        "webhook-signature",
        "webhook-id",
        "webhook-timestamp",
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


def _headers_for_upstream(request: Request, identity: Identity) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k in FORWARDED_REQUEST_HEADERS}
    headers[IDENTITY_HEADER] = sign_identity(identity, request.app.state.internal_secret)
    headers[CORRELATION_HEADER] = correlation_id()
    return headers


async def _send(upstream: Upstream, request: httpx.Request) -> httpx.Response:
    """Send, retrying connect failures for idempotent methods only."""
    attempts = CONNECT_RETRIES + 1 if request.method in IDEMPOTENT else 1
    for attempt in range(1, attempts + 1):
        try:
            return await upstream.client.send(request, stream=True)
        except httpx.ConnectError:
            if attempt == attempts:
                raise
            await asyncio.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


@router.api_route(
    "/v1/{path:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
)
async def proxy(
    path: str, request: Request, identity: Annotated[Identity, Depends(authenticate)]
) -> Response:
    """Forward an authenticated request to the service that owns its path."""
    name = upstream_for(request.url.path)
    if name is None:
        return status_problem(request, 404)
    upstream: Upstream = request.state.upstreams[name]
    body = await request.body()
    outgoing = upstream.client.build_request(
        request.method,
        request.url.path,
        params=request.url.query,
        headers=_headers_for_upstream(request, identity),
        content=body,
    )
    try:
        response = await _send(upstream, outgoing)
    except httpx.TimeoutException:
        log.warning("upstream timed out", extra={"upstream": name, "path": path})
        return problem(request, 504, "upstream-timeout", _TIMEOUT, upstream=name)
    except httpx.TransportError as exc:
        log.warning("upstream unreachable", extra={"upstream": name, "error": repr(exc)})
        return problem(
            request,
            503,
            "upstream-unavailable",
            _UNAVAILABLE,
            headers={"Retry-After": "5"},
            upstream=name,
        )
    headers = {
        k: v for k, v in response.headers.items() if k.lower() not in DROPPED_RESPONSE_HEADERS
    }
    return StreamingResponse(
        response.aiter_raw(),
        status_code=response.status_code,
        headers=headers,
        background=BackgroundTask(response.aclose),
    )
