"""Which methods a path answers: the `Allow` of a 405, `OPTIONS`, and HEAD wherever GET is.

Starlette answers 405 from the first route whose path matched, so `Allow` named only that
route's methods (the GET of `/v1/listings` hid its POST); no route declares OPTIONS, and
FastAPI's routes do not take HEAD. `allowed_methods` asks every route of the app instead, and
the problem handlers use it for 405 and OPTIONS (`lumbung_shared.web.problems`).

HEAD is answered as the GET of the same path without its body (RFC 9110 section 9.3.2) by
`HeadAsGetMiddleware`, outermost, so routes, dependencies and the gateway's identity header
all see the GET they are written for; `HEAD_SCOPE_KEY` tells the gateway to send a HEAD on.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import ClientDisconnect
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
"""The methods Lumbung routes declare; HEAD and OPTIONS follow from them."""

HEAD_SCOPE_KEY = "lumbung.head"
"""Set (True) in the scope of a HEAD request that `HeadAsGetMiddleware` runs as a GET."""


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """The methods some route answers on `scope`'s path, sorted; empty if none knows the path.

    HEAD comes with GET (see `HeadAsGetMiddleware`), OPTIONS with any method.
    """
    routes = list(routes)
    found = {
        method
        for method in PROBED_METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    }
    if not found:
        return []
    if "GET" in found:
        found.add("HEAD")
    return sorted(found | {"OPTIONS"})


class _BodyNotSentError(OSError):
    """Raised into a streaming response after a HEAD's headers: it ends like a disconnect."""


class HeadAsGetMiddleware:
    """Runs a HEAD request as its GET and passes on only the status and headers.

    `Content-Length` stays that of the GET's body. A streamed answer (an event stream never
    ends) is stopped after its headers: the app sees a disconnected client (ASGI 2.4: `send`
    raises `OSError`), which Starlette's streaming responses end on quietly.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        answered = False

        async def headers_only(message: Message) -> None:
            nonlocal answered
            if answered:
                if message["type"] == "http.response.body" and message.get("more_body", False):
                    raise _BodyNotSentError("HEAD: the body is not sent")
                return
            await send(message)
            if message["type"] == "http.response.start":
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                answered = True

        asgi = {**scope.get("asgi", {}), "spec_version": "2.4"}  # `send` raises once answered
        as_get = {**scope, "method": "GET", "asgi": asgi, HEAD_SCOPE_KEY: True}
        try:
            await self.app(as_get, receive, headers_only)
        except Exception as exc:
            if not (answered and _body_refused(exc)):
                raise


def _body_refused(exc: BaseException) -> bool:
    """The app stopped because its body was refused (FastAPI's SSE raises it in a group)."""
    if isinstance(exc, BaseExceptionGroup):
        return all(_body_refused(inner) for inner in exc.exceptions)
    return isinstance(exc, _BodyNotSentError | ClientDisconnect)
