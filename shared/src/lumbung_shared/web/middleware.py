"""Correlation ids on every request: accepted from the caller or made here, echoed back."""

from __future__ import annotations

import logging
import re
import time
from uuid import uuid4

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lumbung_shared.observability import correlation

log = logging.getLogger("lumbung.access")

CORRELATION_HEADER = "x-correlation-id"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def incoming_correlation_id(headers: dict[str, str]) -> str:
    """The caller's id when it is well-formed, else a fresh one (never trust arbitrary text)."""
    for name in (CORRELATION_HEADER, "x-request-id"):
        value = headers.get(name, "")
        if _SAFE_ID.match(value):
            return value
    return uuid4().hex


class CorrelationMiddleware:
    """Pure ASGI (streaming-safe): sets the correlation contextvar and the response header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        cid = incoming_correlation_id(headers)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((CORRELATION_HEADER.encode(), cid.encode()))
            await send(message)

        with correlation(cid):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                log.info(
                    "request",
                    extra={
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "status": status,
                        "ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
