"""Request counts and time to answer of every HTTP service, with label values bounded by design.

`lumbung_http_requests_total{service, method, route, status_class}` and
`lumbung_http_request_duration_seconds{service, method, route}` (a histogram of the time until
the response *started*: an event stream stays open for minutes, so its full length would say
nothing about latency). Each label takes few values, whatever callers send:

- `route` is the template of the route that took the request (`/v1/orders/{order_id}`, from
  `scope["route"]`, which the router sets), never the path, so ids and hostile URLs add no
  series. A request no route took (unknown path, a method the path does not take, a refusal
  before routing) is `unmatched`. A route that serves a fixed table of templates behind one
  catch-all (the gateway's proxy) names the one it served in `ROUTE_TEMPLATE_SCOPE_KEY`.
- `method` is one of the standard methods, else `other`; a HEAD (run as its GET, see
  `lumbung_shared.web.methods`) is counted as HEAD.
- `status_class` is `1xx` to `5xx`; a request that raised before answering counts as `5xx`.

Health routes and `/metrics` are counted like any other: the probes' steady rate is a few
series per process, and a `/readyz` answering 503 is worth seeing.

Pure ASGI and cheap, as it runs on every request (~3 µs, children cached per label set).
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lumbung_shared.web.methods import HEAD_SCOPE_KEY

REQUESTS = "lumbung_http_requests"
"""Exposed as `lumbung_http_requests_total`."""
DURATION = "lumbung_http_request_duration_seconds"
BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "unmatched"
OTHER_METHOD = "other"
METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"}
)
"""RFC 9110's methods and PATCH (RFC 5789); anything else is `other`."""
ROUTE_TEMPLATE_SCOPE_KEY = "lumbung.route_template"
"""Set by a catch-all route to the template it served; values must come from a fixed table."""

_STATUS_CLASSES = {n: f"{n}xx" for n in range(1, 6)}


def status_class(status: int) -> str:
    """`2xx` for 200..299 and so on; a status outside 100..599 counts as `5xx`."""
    return _STATUS_CLASSES.get(status // 100, "5xx")


def method_label(scope: Scope) -> str:
    """The request's method if standard, else `other` (HEAD even when it runs as its GET)."""
    if scope.get(HEAD_SCOPE_KEY):
        return "HEAD"
    method: str = scope.get("method", "")
    return method if method in METHODS else OTHER_METHOD


def route_label(scope: Scope) -> str:
    """The template of the route that took the request, or `unmatched`.

    A route that matched only the path (Starlette hands it the request to answer 405) did not
    take it.
    """
    template = scope.get(ROUTE_TEMPLATE_SCOPE_KEY)
    if isinstance(template, str):
        return template
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    methods = getattr(route, "methods", None)
    if methods is not None and scope.get("method") not in methods:
        return UNMATCHED
    declared = getattr(route, "path_format", None) or getattr(route, "path", None)
    return declared if isinstance(declared, str) and declared else UNMATCHED


class HttpMetricsMiddleware:
    """Counts and times every HTTP request of the app into `registry`, labelled `service`.

    Add it inside `HeadAsGetMiddleware` (it reads the scope the router fills in, which that
    middleware copies) and outside everything that may answer, so it sees the final status.
    """

    def __init__(self, app: ASGIApp, *, registry: CollectorRegistry, service: str) -> None:
        self.app = app
        self._service = service
        self._requests = Counter(
            REQUESTS,
            "HTTP requests answered, by method, route template and status class",
            ["service", "method", "route", "status_class"],
            registry=registry,
        )
        self._duration = Histogram(
            DURATION,
            "Seconds until the response started, by method and route template",
            ["service", "method", "route"],
            registry=registry,
            buckets=BUCKETS,
        )
        self._children: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        recorded = False

        async def send_and_record(message: Message) -> None:
            nonlocal recorded
            if message["type"] == "http.response.start" and not recorded:
                recorded = True
                self._record(scope, message["status"], time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            if not recorded:  # raised (or returned) without answering: the server sends 500
                self._record(scope, 500, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        key = (method_label(scope), route_label(scope), status_class(status))
        children = self._children.get(key)
        if children is None:
            method, route, status_label = key
            children = (
                self._requests.labels(self._service, method, route, status_label),
                self._duration.labels(self._service, method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)
