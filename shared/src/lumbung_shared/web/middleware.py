"""Correlation ids on every request: accepted from the caller or made here, echoed back.

It runs on every request of every service, so it is pure ASGI and does little: it scans the raw
header pairs for the two names it reads (no dict of all headers), and the access log line is
built only when `lumbung.access` logs at INFO (the per-request dict and JSON line were 5 % of
the gateway's CPU under load, py-spy, issue 13).
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lumbung_shared.observability import correlation

log = logging.getLogger("lumbung.access")

CORRELATION_HEADER = "x-correlation-id"
_CORRELATION = CORRELATION_HEADER.encode()
_REQUEST_ID = b"x-request-id"
_SAFE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")


def incoming_correlation_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The caller's id when it is well-formed, else a fresh one (never trust arbitrary text).

    `headers` are ASGI header pairs (names lower-case); `X-Correlation-Id` wins over
    `X-Request-Id`.
    """
    request_id = b""
    for name, value in headers:
        if name == _CORRELATION and _SAFE_ID.match(value):
            return value.decode("ascii")
        if name == _REQUEST_ID and not request_id and _SAFE_ID.match(value):
            request_id = value
    # Same 32 hex digits as `uuid4().hex`, without building a UUID object per request.
    return request_id.decode("ascii") if request_id else os.urandom(16).hex()


class CorrelationMiddleware:
    """Pure ASGI (streaming-safe): sets the correlation contextvar and the response header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cid = incoming_correlation_id(scope["headers"])
        echoed = (_CORRELATION, cid.encode())
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"].append(echoed)
            await send(message)

        with correlation(cid):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if log.isEnabledFor(logging.INFO):
                    log.info(
                        "request",
                        extra={
                            "method": scope.get("method"),
                            "path": scope.get("path"),
                            "status": status,
                            "ms": round((time.perf_counter() - started) * 1000, 2),
                        },
                    )
