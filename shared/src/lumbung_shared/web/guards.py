"""Edge guards every response and request passes: security headers and size limits.

Both are pure ASGI middlewares so they work for streamed bodies (photo uploads, SSE) without
buffering. Counting a streamed body is Starlette's own `RequestBodyLimitMiddleware`; what is
ours is choosing its limit per request (uploads get more), the 431 for headers (no server or
library here bounds them: uvicorn's httptools parser takes megabytes), and the header set, six
constants for which a dependency would add more than it saves.

- `SecurityHeadersMiddleware` adds the OWASP secure-headers baseline to every response unless a
  route set its own (the API docs page sets a CSP naming its scripts).
- `RequestLimitsMiddleware` refuses over-large header blocks with 431 and over-large bodies with
  413 *before* a route reads them: a declared `Content-Length` is checked up front, and a
  chunked body is counted as it arrives and stopped at the limit (the route's read raises an
  `HTTPException(413)` that the problem handlers render with `max_bytes`).
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Response
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lumbung_shared.errors import Message as Text
from lumbung_shared.web.problems import problem

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"content-security-policy", API_CSP.encode()),
)


class SecurityHeadersMiddleware:
    """Adds the baseline security headers and drops any `Server` banner."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_secured)


_HEADERS_TOO_LARGE = Text(
    id="Header permintaan terlalu besar (maksimal {limit} byte).",
    en="Request headers too large (at most {limit} bytes).",
)
_BODY_TOO_LARGE = Text(
    id="Isi permintaan terlalu besar (maksimal {limit} byte).",
    en="Request body too large (at most {limit} bytes).",
)


def _formatted(text: Text, limit: int) -> Text:
    return Text(id=text.id.format(limit=limit), en=text.en.format(limit=limit))


class RequestLimitsMiddleware:
    """431 for a header block over `max_header_bytes`; 413 for a body over its limit.

    Multipart bodies (photo uploads) get `max_upload_bytes`, everything else `max_body_bytes`.
    """

    def __init__(
        self, app: ASGIApp, *, max_header_bytes: int, max_body_bytes: int, max_upload_bytes: int
    ) -> None:
        self.app = app
        self.max_header_bytes = max_header_bytes
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        header_bytes = sum(len(k) + len(v) + 4 for k, v in headers)
        if header_bytes > self.max_header_bytes:
            await self._refuse(
                scope,
                receive,
                send,
                status=431,
                code="headers-too-large",
                limit=self.max_header_bytes,
            )
            return
        limit = self._body_limit(headers)
        declared = next((v for k, v in headers if k == b"content-length"), b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, status=413, code="body-too-large", limit=limit)
            return
        await RequestBodyLimitMiddleware(self.app, max_body_size=limit)(scope, receive, send)

    def _body_limit(self, headers: list[tuple[bytes, bytes]]) -> int:
        content_type = next((v for k, v in headers if k == b"content-type"), b"")
        if content_type.lower().startswith(b"multipart/form-data"):
            return self.max_upload_bytes
        return self.max_body_bytes

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, *, status: int, code: str, limit: int
    ) -> None:
        text = _HEADERS_TOO_LARGE if status == 431 else _BODY_TOO_LARGE
        response = problem(Request(scope), status, code, _formatted(text, limit), max_bytes=limit)
        await response(scope, receive, send)


def install_guards(
    app: FastAPI, *, max_header_bytes: int, max_body_bytes: int, max_upload_bytes: int
) -> None:
    """Limits inside, security headers outermost, so refusals carry the headers too."""
    app.add_middleware(
        RequestLimitsMiddleware,
        max_header_bytes=max_header_bytes,
        max_body_bytes=max_body_bytes,
        max_upload_bytes=max_upload_bytes,
    )
    app.add_middleware(SecurityHeadersMiddleware)


def _no_store(response: Response) -> None:
    """Tokens, keys and webhook secrets must not sit in any cache (RFC 6749 section 5.1)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


NO_STORE = Depends(_no_store)
"""Route dependency for responses that carry a credential."""
