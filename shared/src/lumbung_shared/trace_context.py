"""The W3C trace context of the current work, kept with an outbox entry and restored later.

An event is published by the relay, long after (and outside) the request or record that wrote
it. The writer's `traceparent` is stored with the event (`captured`), and the relay publishes
it under that context again (`restored`), so the Kafka hop continues the order's trace.
With tracing off the current span is the API's invalid one: nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import context, propagate, trace

TRACE_CONTEXT = "trace_context"
"""The outbox entry's field with the writer's `traceparent` (and `tracestate`)."""


def captured() -> dict[str, str]:
    """The current trace context as headers, or {} outside any recording span."""
    if not trace.get_current_span().get_span_context().is_valid:
        return {}
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def restored(carrier: Mapping[str, str] | None) -> Iterator[None]:
    """Run the block as part of the trace `carrier` names (as is when it names none)."""
    if not carrier:
        yield
        return
    token = context.attach(propagate.extract(dict(carrier)))
    try:
        yield
    finally:
        context.detach(token)
