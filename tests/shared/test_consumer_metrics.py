"""What a consumer counts, branch by branch, with the consumer driven record by record.

The records are handed to `on_message` as tests/shared/messaging/test_redelivery.py does (the
broker's part played by the test, a nacked record handed over again), and the counts are read
from the registry the consumer was given. On the real broker: tests/integration/
test_event_metrics.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

from lumbung_shared.consumer import EventConsumer
from lumbung_shared.consumer_metrics import UNKNOWN, ConsumerMetrics
from lumbung_shared.events import Envelope, new_event
from lumbung_shared.events.stock import StockReserved
from lumbung_shared.inbox import SelfIdempotent
from lumbung_shared.kafka import TransientError
from lumbung_shared.redelivery import DeliveryPolicy
from prometheus_client import CollectorRegistry

from tests.shared.messaging.test_event_consumer import MemoryInbox
from tests.shared.messaging.test_redelivery import FAST, Broker, Letters, Record, deliver, rejected

GROUP = "orders.stock-saga"
TYPE = "stock.rejected"
COUNTERS = (
    "lumbung_events_handled_total",
    "lumbung_events_duplicates_total",
    "lumbung_events_retried_total",
    "lumbung_events_dead_lettered_total",
)


class Counted:
    """An EventConsumer for `stock.rejected` with its own registry, and readers for it."""

    def __init__(self, handler: Any, policy: DeliveryPolicy = FAST) -> None:
        self.registry = CollectorRegistry()
        self.broker = Broker()
        self.consumer = EventConsumer(
            group_id=GROUP,
            handlers={TYPE: handler},
            inbox=MemoryInbox(),
            broker=self.broker,  # type: ignore[arg-type]
            policy=policy,
            dead_letters=Letters(),
            metrics=ConsumerMetrics(self.registry, "orders"),
        )

    def value(self, name: str, event_type: str = TYPE) -> float:
        labels = {"service": "orders", "consumer_group": GROUP, "event_type": event_type}
        found = self.registry.get_sample_value(name, labels)
        assert found is not None, f"no {name} series for {event_type}"
        return found

    def counts(self, event_type: str = TYPE) -> dict[str, float]:
        return {
            name.removeprefix("lumbung_events_"): self.value(name, event_type) for name in COUNTERS
        }

    def series(self) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
        return {
            (sample.name, tuple(sorted(sample.labels.items())))
            for family in self.registry.collect()
            for sample in family.samples
        }


async def handled_fine(event: Envelope[Any]) -> None:
    del event


def zero_counts() -> dict[str, float]:
    return {"handled_total": 0, "duplicates_total": 0, "retried_total": 0, "dead_lettered_total": 0}


class TestSeriesExistBeforeTheFirstRecord:
    def test_each_handled_type_and_unknown_start_at_zero_in_every_family(self) -> None:
        counted = Counted(handled_fine)
        for event_type in (TYPE, UNKNOWN):
            assert counted.counts(event_type) == zero_counts()
            assert counted.value("lumbung_event_handler_duration_seconds_count", event_type) == 0

    def test_no_other_event_type_has_a_series(self) -> None:
        counted = Counted(handled_fine)
        types = {dict(labels)["event_type"] for _, labels in counted.series()}
        assert types == {TYPE, UNKNOWN}


class TestHandledAndDuplicates:
    async def test_an_event_is_handled_once_and_its_repeat_is_a_duplicate(self) -> None:
        counted = Counted(handled_fine)
        body = rejected().model_dump_json().encode()
        await deliver(counted.consumer, Record(body, offset=1))
        await deliver(counted.consumer, Record(body, offset=2))  # the relay published it twice
        assert counted.counts() == {**zero_counts(), "handled_total": 1, "duplicates_total": 1}
        assert counted.value("lumbung_event_handler_duration_seconds_count") == 1

    async def test_a_self_idempotent_handler_handles_the_repeat_itself(self) -> None:
        counted = Counted(SelfIdempotent(handled_fine))
        body = rejected().model_dump_json().encode()
        await deliver(counted.consumer, Record(body, offset=1))
        await deliver(counted.consumer, Record(body, offset=2))
        assert counted.counts() == {**zero_counts(), "handled_total": 2}

    async def test_a_type_the_consumer_does_not_handle_is_counted_nowhere(self) -> None:
        counted = Counted(handled_fine)
        before = counted.series()
        reserved = StockReserved(order_id="o-1", lines=[])
        event = new_event(reserved, producer="listings", correlation_id="c", key="o-1")
        await deliver(counted.consumer, Record(event.model_dump_json().encode()))
        assert counted.series() == before
        assert counted.counts() == zero_counts()
        assert counted.counts(UNKNOWN) == zero_counts()


class TestRetries:
    async def test_attempts_after_the_first_are_retries_and_each_attempt_is_timed(self) -> None:
        attempts: list[int] = []

        async def flaky(event: Envelope[Any]) -> None:
            attempts.append(1)
            if len(attempts) < 3:
                raise TransientError("store briefly away")

        counted = Counted(flaky, DeliveryPolicy(attempts=3, retry_delay=0.001))
        await deliver(counted.consumer, Record(rejected().model_dump_json().encode()))
        assert counted.counts() == {**zero_counts(), "handled_total": 1, "retried_total": 2}
        assert counted.value("lumbung_event_handler_duration_seconds_count") == 3

    async def test_every_redelivery_is_a_retry_too_until_the_event_is_dead_lettered(
        self,
    ) -> None:
        async def away(event: Envelope[Any]) -> None:
            raise TransientError("store away")

        counted = Counted(away)  # FAST: 3 deliveries of 2 attempts
        assert await deliver(counted.consumer, Record(rejected().model_dump_json().encode())) == 3
        # 3 x (2 - 1) attempts again inside the deliveries, plus the 2 redeliveries
        assert counted.counts() == {**zero_counts(), "retried_total": 5, "dead_lettered_total": 1}
        assert counted.value("lumbung_event_handler_duration_seconds_count") == 6

    async def test_a_handler_bug_is_retried_in_its_delivery_then_dead_lettered(self) -> None:
        async def broken(event: Envelope[Any]) -> None:
            raise ValueError("listing has no seller")

        counted = Counted(broken)  # FAST: 3 attempts for a non-transient error
        await deliver(counted.consumer, Record(rejected().model_dump_json().encode()))
        assert counted.counts() == {**zero_counts(), "retried_total": 2, "dead_lettered_total": 1}

    async def test_an_attempt_cut_off_by_its_timeout_is_timed_up_to_the_cut(self) -> None:
        async def hangs(event: Envelope[Any]) -> None:
            await asyncio.Event().wait()

        policy = DeliveryPolicy(attempts=1, max_deliveries=1, attempt_timeout=0.05)
        counted = Counted(hangs, policy)
        await deliver(counted.consumer, Record(rejected().model_dump_json().encode()))
        assert counted.value("lumbung_event_handler_duration_seconds_count") == 1
        assert counted.value("lumbung_event_handler_duration_seconds_sum") >= 0.05
        assert counted.value("lumbung_events_dead_lettered_total") == 1


class TestUnknownRecords:
    async def test_garbage_is_dead_lettered_under_unknown(self) -> None:
        counted = Counted(handled_fine)
        await deliver(counted.consumer, Record(b"\x00garbage"))
        assert counted.counts(UNKNOWN) == {**zero_counts(), "dead_lettered_total": 1}
        assert counted.counts() == zero_counts()

    async def test_a_thousand_different_unknown_types_add_no_series(self) -> None:
        counted = Counted(handled_fine)
        before = counted.series()
        event = rejected().model_dump(mode="json")
        for n in range(1000):
            body = Envelope.model_validate({**event, "type": f"made.up.{n}"}).model_dump_json()
            await deliver(counted.consumer, Record(body.encode(), offset=n))
        assert counted.series() == before
        assert counted.value("lumbung_events_dead_lettered_total", UNKNOWN) == 1000

    async def test_a_dead_letter_that_cannot_be_written_is_a_retry_not_a_dead_letter(
        self,
    ) -> None:
        counted = Counted(handled_fine)
        counted.broker.failures_left = 1  # the dead-letter topic is away once
        assert await deliver(counted.consumer, Record(b"\x00garbage")) == 2
        assert counted.counts(UNKNOWN) == {
            **zero_counts(),
            "retried_total": 1,
            "dead_lettered_total": 1,
        }
