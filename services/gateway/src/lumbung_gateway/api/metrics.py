"""Prometheus text exposition of request counts and latency, written by hand.

Still hand-written although `prometheus_client` now comes with `lumbung-shared` (the services'
store counters use it): moving these two families onto it is part of issue 15. They are a
counter of requests and a histogram of time to the response's first byte (streams such as SSE
stay open for minutes, so their full duration would say nothing about latency). Both are labelled by
route template and upstream. Label values are bounded: at most `MAX_SERIES` distinct label sets
per family, everything beyond is counted under route "other", so hostile URLs cannot grow
memory without bound.
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Mapping, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MAX_SERIES = 2000
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_ID_SEGMENT = re.compile(r"^(?:[0-9a-fA-F]{16,}|[0-9a-fA-F-]{36}|[0-9]+|lmb_.*)$")

Labels = tuple[tuple[str, str], ...]


def route_template(path: str) -> str:
    """A proxied path with id-like segments replaced by `{id}`, to keep label values few."""
    return "/".join("{id}" if _ID_SEGMENT.match(s) else s for s in path.split("/"))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _render_labels(labels: Labels, extra: tuple[tuple[str, str], ...] = ()) -> str:
    pairs = (*labels, *extra)
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}" if pairs else ""


def _bounded(labels: Labels, known: Mapping[Labels, object]) -> Labels:
    if labels in known or len(known) < MAX_SERIES:
        return labels
    return tuple((k, "other" if k == "route" else v) for k, v in labels)


class Counter:
    """A monotonically increasing count per label set."""

    def __init__(self, name: str, help_text: str) -> None:
        self.name = name
        self.help = help_text
        self._values: dict[Labels, float] = {}

    def inc(self, labels: Labels, amount: float = 1.0) -> None:
        """Add `amount` to the series of `labels`."""
        key = _bounded(labels, self._values)
        self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, labels: Labels) -> float:
        """The current count (tests and debugging)."""
        return self._values.get(labels, 0.0)

    def render(self) -> list[str]:
        """Exposition lines."""
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        lines += [f"{self.name}{_render_labels(k)} {v}" for k, v in sorted(self._values.items())]
        return lines


class Histogram:
    """Observations bucketed cumulatively, with sum and count, per label set."""

    def __init__(self, name: str, help_text: str, buckets: Sequence[float] = BUCKETS) -> None:
        self.name = name
        self.help = help_text
        self._bounds = tuple(buckets)
        self._series: dict[Labels, list[float]] = {}  # bucket counts..., +Inf, sum

    def observe(self, labels: Labels, value: float) -> None:
        """Record one observation."""
        key = _bounded(labels, self._series)
        series = self._series.setdefault(key, [0.0] * (len(self._bounds) + 2))
        series[bisect.bisect_left(self._bounds, value)] += 1
        series[-1] += value

    def render(self) -> list[str]:
        """Exposition lines with cumulative `le` buckets."""
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        for labels, series in sorted(self._series.items()):
            cumulative = 0.0
            for bound, count in zip((*self._bounds, float("inf")), series[:-1], strict=True):
                cumulative += count
                le = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(
                    f"{self.name}_bucket{_render_labels(labels, (('le', le),))} {cumulative}"
                )
            lines.append(f"{self.name}_sum{_render_labels(labels)} {series[-1]}")
            lines.append(f"{self.name}_count{_render_labels(labels)} {cumulative}")
        return lines


class GatewayMetrics:
    """The gateway's metric families."""

    def __init__(self) -> None:
        self.requests = Counter(
            "lumbung_gateway_requests_total", "Requests answered, by route, upstream and status."
        )
        self.latency = Histogram(
            "lumbung_gateway_request_duration_seconds",
            "Seconds until the response started, by route and upstream.",
        )
        self.breaker_rejections = Counter(
            "lumbung_gateway_circuit_open_total", "Requests refused fast by an open circuit."
        )
        self.busy_rejections = Counter(
            "lumbung_gateway_upstream_busy_total",
            "Requests refused fast: as many in flight to the service as allowed.",
        )

    def render(self) -> str:
        """The whole exposition document."""
        families = (self.requests, self.latency, self.breaker_rejections, self.busy_rejections)
        return "\n".join(line for family in families for line in family.render()) + "\n"


class MetricsMiddleware:
    """Pure ASGI (streaming-safe): times each request to its first response byte.

    The route label is the matched route template; the proxy sets `metrics_route` and
    `metrics_upstream` in the request state for the paths it forwards.
    """

    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

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
            if not recorded:
                self._record(scope, 500, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        state = scope.get("state") or {}
        route = state.get("metrics_route")
        if route is None:
            matched = scope.get("route")
            route = getattr(matched, "path", None) or "unmatched"
        upstream = state.get("metrics_upstream", "gateway")
        method = scope.get("method", "")
        labels = (("method", method), ("route", route), ("upstream", upstream))
        self.metrics.requests.inc((*labels, ("status", str(status))))
        self.metrics.latency.observe(labels, seconds)
