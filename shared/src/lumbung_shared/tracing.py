"""OpenTelemetry tracing for one service process: on when an OTLP endpoint is configured.

One order is one trace: FastAPI's server spans and httpx's client spans carry the W3C context
between the gateway and a service, FastStream's Kafka telemetry middleware carries it in record
headers, and the outbox keeps the context of the write that queued an event
(`lumbung_shared.outbox`) so the relay's publish continues that trace rather than its own.

Off (no `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`) costs nothing: no
provider, no middleware, no instrumentation; the API's no-op tracer answers the outbox's
"what is the current context" with nothing. Each app gets its own `TracerProvider` instead of
the global one, because several apps share one test process and the global can be set once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import AsyncOpenTelemetryTransport
from opentelemetry.instrumentation.pymongo import CommandTracer
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from pymongo import monitoring

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
UNTRACED_ROUTES = "/healthz,/readyz,/metrics"
"""Probes and scrapes: a span each every few seconds would bury the orders in Jaeger."""


class ChildCommandTracer(CommandTracer):
    """PyMongo's command spans, but only inside a trace already begun.

    The outbox relay, the sweeps and the samplers query the store several times a second with
    no request behind them: as spans of their own each would be a one-span trace, thousands
    a minute, which hide the orders and cost the exporter more than the work they show.
    """

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if trace.get_current_span().get_span_context().is_valid:
            super().started(event)


class Tracing:
    """The process's tracer provider, and the instrumentation that uses it (or none)."""

    def __init__(self, provider: TracerProvider | None) -> None:
        self.provider = provider

    @classmethod
    def from_environment(cls, service: str, environ: Mapping[str, str] = os.environ) -> Tracing:
        """On when an OTLP endpoint is set (and `OTEL_SDK_DISABLED` is not true, the
        specification's switch compose uses); the exporter reads the rest of `OTEL_*` itself."""
        disabled = environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"
        if disabled or not any(environ.get(name) for name in ENDPOINT_VARIABLES):
            return cls(None)
        # BatchSpanProcessor: spans leave in the background (OTEL_BSP_* settings), never on
        # the request's path.
        return cls.exporting(service, BatchSpanProcessor(OTLPSpanExporter()))

    @classmethod
    def exporting(cls, service: str, processor: SpanProcessor) -> Tracing:
        """Tracing into the given processor (tests pass an in-memory exporter's)."""
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(processor)
        return cls(provider)

    @classmethod
    def into(cls, service: str, exporter: SpanExporter) -> Tracing:
        return cls.exporting(service, SimpleSpanProcessor(exporter))

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    def instrument_app(self, app: Any) -> None:
        """Server spans for every route but the probes, named by route template."""
        if self.provider is not None:
            FastAPIInstrumentor.instrument_app(
                app,
                tracer_provider=self.provider,
                excluded_urls=UNTRACED_ROUTES,
                exclude_spans=["receive", "send"],  # one span per ASGI message: noise
            )

    def broker_middlewares(self) -> Sequence[Callable[..., Any]]:
        """FastStream's Kafka middleware: a span per publish and per record consumed, with
        `traceparent` in the record headers."""
        if self.provider is None:
            return ()
        return (KafkaTelemetryMiddleware(tracer_provider=self.provider),)

    def mongo_listeners(self) -> list[monitoring.CommandListener]:
        """A command listener for the service's own store client."""
        if self.provider is None:
            return []
        return [ChildCommandTracer(self.provider.get_tracer("lumbung.mongo"))]

    def http_transport(self, transport: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        """`transport` with a client span per request and `traceparent` on it (or as is)."""
        if self.provider is None:
            return transport
        return AsyncOpenTelemetryTransport(transport, tracer_provider=self.provider)

    def shutdown(self) -> None:
        """Flush what is still queued (bounded by the processor's export timeout)."""
        if self.provider is not None:
            self.provider.shutdown()
