"""What a consumer did with the records it was given, as Prometheus counters and a histogram.

Every family is labelled `{service, consumer_group, event_type}`. `event_type` is bounded by
design: it is one of the consumer's handler keys, or `unknown` for a record that could not be
decoded into an event this consumer acts on (garbage, an unknown type or version). Records of
types the consumer does not handle are skipped and counted nowhere. A consumer's children are
created when it is built (`ConsumerMetrics.group`), so a scrape shows each at 0 before the first
record and `rate()`/`increase()` see the first one.

- `lumbung_events_handled_total`: the handler succeeded and the event was marked processed.
- `lumbung_events_duplicates_total`: the inbox said the group had handled this event already.
- `lumbung_events_retried_total`: each time the consumer set out to do an event's work again:
  every attempt after the first inside one delivery (whatever the error: the policy retries
  non-transient errors a few times too), plus every redelivery it asked for (a nack after a
  transient failure outlived the attempts, or because the dead letter could not be written).
  See `lumbung_shared.redelivery` for the two levels.
- `lumbung_events_dead_lettered_total`: the record went to the dead-letter topic (written).
- `lumbung_event_handler_duration_seconds`: how long the handler itself ran, once per attempt,
  failed and timed-out attempts included (the inbox lookup and mark are not in it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

UNKNOWN = "unknown"
"""The `event_type` of a record that is not an event this consumer acts on."""
LABELS = ("service", "consumer_group", "event_type")
HANDLED = "lumbung_events_handled"
DUPLICATES = "lumbung_events_duplicates"
RETRIED = "lumbung_events_retried"
DEAD_LETTERED = "lumbung_events_dead_lettered"
"""Counter names; Prometheus exposes each with `_total`."""
DURATION = "lumbung_event_handler_duration_seconds"
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Up to the default attempt timeout (10 s): a slower attempt was cut off there."""


class ConsumerMetrics:
    """The consumer families of one service process, in its registry."""

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self._service = service
        labels = list(LABELS)
        self._handled = Counter(
            HANDLED, "Events handled and marked processed", labels, registry=registry
        )
        self._duplicates = Counter(
            DUPLICATES,
            "Events skipped because the group had handled them",
            labels,
            registry=registry,
        )
        self._retried = Counter(
            RETRIED,
            "Repeats of an event's work: attempts after the first in a delivery, and redeliveries",
            labels,
            registry=registry,
        )
        self._dead_lettered = Counter(
            DEAD_LETTERED, "Records sent to the dead-letter topic", labels, registry=registry
        )
        self._duration = Histogram(
            DURATION,
            "Seconds one handler attempt ran (failed and timed-out attempts too)",
            labels,
            buckets=DURATION_BUCKETS,
            registry=registry,
        )

    def group(self, consumer_group: str, event_types: Iterable[str]) -> GroupMetrics:
        """One consumer group's children, created now for each of its types and `unknown`."""
        return GroupMetrics(
            {
                event_type: self._children(consumer_group, event_type)
                for event_type in {*event_types, UNKNOWN}
            }
        )

    def _children(self, consumer_group: str, event_type: str) -> _Children:
        labels = (self._service, consumer_group, event_type)
        return _Children(
            self._handled.labels(*labels),
            self._duplicates.labels(*labels),
            self._retried.labels(*labels),
            self._dead_lettered.labels(*labels),
            self._duration.labels(*labels),
        )


@dataclass(frozen=True)
class _Children:
    handled: Counter
    duplicates: Counter
    retried: Counter
    dead_lettered: Counter
    duration: Histogram


class GroupMetrics:
    """What an `EventConsumer` reports to, per event type (any other type counts as unknown)."""

    def __init__(self, children: Mapping[str, _Children]) -> None:
        self._children = dict(children)

    def _of(self, event_type: str) -> _Children:
        return self._children.get(event_type) or self._children[UNKNOWN]

    def handled(self, event_type: str) -> None:
        self._of(event_type).handled.inc()

    def duplicate(self, event_type: str) -> None:
        self._of(event_type).duplicates.inc()

    def retried(self, event_type: str, times: int = 1) -> None:
        if times > 0:
            self._of(event_type).retried.inc(times)

    def dead_lettered(self, event_type: str) -> None:
        self._of(event_type).dead_lettered.inc()

    def handler_ran(self, event_type: str, seconds: float) -> None:
        self._of(event_type).duration.observe(seconds)
