"""The gateway's own Prometheus families: how its calls to the services went, and their circuits.

The generic HTTP families (`lumbung_http_requests_total`, `lumbung_http_request_duration_seconds`)
come from `lumbung_shared.web.http_metrics`, as for every service; these say what the HTTP
families cannot, per service called (`upstream`, one of `domain.upstreams.SERVICES`):

- `lumbung_gateway_upstream_calls_total{service, upstream, outcome}`: each call by outcome,
  `CallOutcome` (answered, failed with 502/503/504, timed out, unreachable, or refused without
  calling it: circuit open, too many in flight);
- `lumbung_gateway_upstream_duration_seconds{service, upstream}`: from sending until the
  service's answer was ready to pass back (a small body read whole, a stream's headers);
- `lumbung_gateway_upstream_circuit_open{service, upstream}`: 1 from the moment the service's
  circuit breaker opens until a trial call closes it again (half-open included: all but the one
  trial are still refused), else 0; read from the breaker at scrape time;
- `lumbung_gateway_upstream_in_flight{service, upstream}`: requests in flight to it now.

Every child is created at start-up, so a scrape shows each at 0 before the first call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from lumbung_gateway.domain.circuit_breaker import BreakerState, CircuitBreaker
from lumbung_gateway.domain.in_flight import InFlightLimit
from lumbung_gateway.domain.upstreams import SERVICES

CALLS = "lumbung_gateway_upstream_calls"
"""Exposed as `lumbung_gateway_upstream_calls_total`."""
DURATION = "lumbung_gateway_upstream_duration_seconds"
CIRCUIT_OPEN = "lumbung_gateway_upstream_circuit_open"
IN_FLIGHT = "lumbung_gateway_upstream_in_flight"
BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class CallOutcome(StrEnum):
    """How one call to a service ended."""

    ANSWERED = "answered"
    FAILED = "failed"
    """The service answered 502, 503 or 504 (a failure to its circuit breaker)."""
    TIMED_OUT = "timed_out"
    UNREACHABLE = "unreachable"
    """Refused or dropped connection, or an answer cut short."""
    CIRCUIT_OPEN = "circuit_open"
    BUSY = "busy"
    """Refused before sending: as many requests in flight to the service as allowed."""


class Watched(Protocol):
    """What the gauges read of one service at scrape time (`api.upstreams.Upstream`)."""

    @property
    def breaker(self) -> CircuitBreaker: ...

    @property
    def in_flight(self) -> InFlightLimit: ...


class GatewayMetrics:
    """The gateway's families in the process's registry (one per app, no globals)."""

    def __init__(
        self,
        registry: CollectorRegistry,
        service: str = "gateway",
        upstreams: tuple[str, ...] = SERVICES,
    ) -> None:
        self._service = service
        self._calls = Counter(
            CALLS,
            "Calls to a service, by how they ended (refused ones never reached it)",
            ["service", "upstream", "outcome"],
            registry=registry,
        )
        self._duration = Histogram(
            DURATION,
            "Seconds from sending a request to a service until its answer was ready to pass on",
            ["service", "upstream"],
            registry=registry,
            buckets=BUCKETS,
        )
        self._circuit_open = Gauge(
            CIRCUIT_OPEN,
            "1 while the circuit breaker of a service is not closed (open or half-open), else 0",
            ["service", "upstream"],
            registry=registry,
        )
        self._in_flight = Gauge(
            IN_FLIGHT,
            "Requests in flight to a service from this gateway process",
            ["service", "upstream"],
            registry=registry,
        )
        for upstream in upstreams:
            for outcome in CallOutcome:
                self._calls.labels(service, upstream, outcome.value)
            self._duration.labels(service, upstream)
            self._circuit_open.labels(service, upstream)
            self._in_flight.labels(service, upstream)

    def called(self, upstream: str, outcome: CallOutcome, seconds: float | None = None) -> None:
        """Count one call to `upstream`; `seconds` until its answer, if it answered."""
        self._calls.labels(self._service, upstream, outcome.value).inc()
        if seconds is not None:
            self._duration.labels(self._service, upstream).observe(seconds)

    def watch(self, upstreams: Mapping[str, Watched]) -> None:
        """Read each service's circuit breaker and in-flight count whenever a scrape asks."""
        for name, upstream in upstreams.items():
            self._circuit_open.labels(self._service, name).set_function(
                _circuit_reader(upstream.breaker)
            )
            self._in_flight.labels(self._service, name).set_function(
                _count_reader(upstream.in_flight)
            )


def _circuit_reader(breaker: CircuitBreaker) -> Callable[[], float]:
    """Runs in the metrics server's thread: `state` only reads the breaker."""
    return lambda: 0.0 if breaker.state(time.monotonic()) is BreakerState.CLOSED else 1.0


def _count_reader(limit: InFlightLimit) -> Callable[[], float]:
    return lambda: float(limit.count)
