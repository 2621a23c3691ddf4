"""Tracing is on only with an OTLP endpoint, and then the outbox carries the writer's trace."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from lumbung_shared.events import new_event
from lumbung_shared.events.stock import StockLine, StockReserved
from lumbung_shared.observability import JsonFormatter
from lumbung_shared.outbox import OUTBOX, outbox_fields, outbox_push
from lumbung_shared.trace_context import TRACE_CONTEXT, captured, restored
from lumbung_shared.tracing import Tracing
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

OTLP = {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}


@pytest.fixture
def exported() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def tracing(exported: InMemorySpanExporter) -> Tracing:
    return Tracing.into("orders", exported)


def an_event() -> Any:
    reserved = StockReserved(
        order_id="o-1", lines=[StockLine(listing_id="l-1", quantity=3, remaining=7)]
    )
    return new_event(reserved, producer="listings", correlation_id="c-1", key="o-1")


class TestSwitchedByEnvironment:
    def test_without_an_endpoint_nothing_is_installed(self) -> None:
        off = Tracing.from_environment("orders", environ={})
        app = FastAPI()
        off.instrument_app(app)

        assert not off.enabled
        assert off.broker_middlewares() == ()
        assert off.mongo_listeners() == []
        assert not getattr(app, "_is_instrumented_by_opentelemetry", False)
        transport = httpx.AsyncHTTPTransport()
        assert off.http_transport(transport) is transport

    def test_the_sdk_switch_keeps_it_off_even_with_an_endpoint(self) -> None:
        assert not Tracing.from_environment("orders", {**OTLP, "OTEL_SDK_DISABLED": "true"}).enabled

    def test_an_otlp_endpoint_turns_it_on_for_the_named_service(self) -> None:
        on = Tracing.from_environment("listings", environ=OTLP)
        try:
            assert on.enabled
            assert on.provider is not None
            assert on.provider.resource.attributes["service.name"] == "listings"
            assert len(on.broker_middlewares()) == 1
            assert len(on.mongo_listeners()) == 1
        finally:
            on.shutdown()


class TestOutboxCarriesTheWritersTrace:
    def test_an_event_queued_inside_a_span_keeps_its_traceparent(self, tracing: Tracing) -> None:
        tracer = trace.get_tracer("test", tracer_provider=tracing.provider)
        with tracer.start_as_current_span("place order") as span:
            pushed = outbox_push(an_event())["$push"][OUTBOX]["$each"][0]
            inserted = outbox_fields(an_event())[OUTBOX][0]
        trace_id = format(span.get_span_context().trace_id, "032x")
        span_id = format(span.get_span_context().span_id, "016x")
        for entry in (pushed, inserted):
            version, traced, parent, flags = entry[TRACE_CONTEXT]["traceparent"].split("-")
            assert (version, traced, parent) == ("00", trace_id, span_id)
            assert int(flags, 16) & 1  # sampled

    def test_outside_any_span_the_entry_has_no_trace_context(self) -> None:
        assert captured() == {}
        assert TRACE_CONTEXT not in outbox_push(an_event())["$push"][OUTBOX]["$each"][0]

    def test_the_relay_restores_it_so_its_spans_join_that_trace(self, tracing: Tracing) -> None:
        tracer = trace.get_tracer("test", tracer_provider=tracing.provider)
        with tracer.start_as_current_span("place order") as writer:
            carrier = captured()
        with restored(carrier), tracer.start_as_current_span("relay publish") as publish:
            pass

        assert publish.get_span_context().trace_id == writer.get_span_context().trace_id
        assert publish.parent is not None
        assert publish.parent.span_id == writer.get_span_context().span_id
        assert not trace.get_current_span().get_span_context().is_valid  # detached after


class TestServerSpans:
    async def test_named_by_route_template_and_continuing_the_callers_trace(
        self, tracing: Tracing, exported: InMemorySpanExporter
    ) -> None:
        app = FastAPI()

        @app.get("/v1/orders/{order_id}")
        async def order(order_id: str) -> dict[str, str]:
            return {"id": order_id}

        @app.get("/readyz")
        async def ready() -> dict[str, str]:
            return {}

        tracing.instrument_app(app)
        caller = "0af7651916cd43dd8448eb211c80319c"
        headers = {"traceparent": f"00-{caller}-b7ad6b7169203331-01"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/v1/orders/o-123", headers=headers)).status_code == 200
            assert (await client.get("/readyz")).status_code == 200

        spans = exported.get_finished_spans()
        assert [s.name for s in spans] == ["GET /v1/orders/{order_id}"]  # probes untraced
        assert format(spans[0].context.trace_id, "032x") == caller


class TestLogLines:
    def test_a_line_written_inside_a_span_carries_its_ids(self, tracing: Tracing) -> None:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter("orders"))
        logger = logging.getLogger("test.tracing.lines")
        logger.addHandler(handler)
        logger.propagate = False
        tracer = trace.get_tracer("test", tracer_provider=tracing.provider)
        try:
            logger.warning("outside")
            with tracer.start_as_current_span("work") as span:
                logger.warning("inside")
        finally:
            logger.removeHandler(handler)
        outside, inside = (json.loads(line) for line in stream.getvalue().splitlines())

        assert "trace_id" not in outside
        assert inside["trace_id"] == format(span.get_span_context().trace_id, "032x")
        assert inside["span_id"] == format(span.get_span_context().span_id, "016x")
