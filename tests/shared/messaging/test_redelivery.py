"""Bounded redelivery, branch by branch, with the consumer driven record by record.

FastStream's in-memory broker does not redeliver a nacked record, so these tests play the
broker: they hand `on_message` a record, and hand it the same record again when it was
nacked, as a real consumer does after seeking back. The real broker is in
tests/integration/test_redelivery_bounds.py.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.dead_letters import REPLAYED_FOR_GROUP, DeadLetter
from lumbung_shared.events import Envelope, Topic, new_event
from lumbung_shared.events.stock import StockRejected
from lumbung_shared.kafka import TransientError
from lumbung_shared.redelivery import DeliveryPolicy, RedeliveryBook
from lumbung_shared.secrets import generate_secret
from lumbung_shared.settings import ServiceSettings

from tests.shared.messaging.test_event_consumer import MemoryInbox

FAST = DeliveryPolicy(
    attempts=2,
    retry_delay=0.001,
    non_transient_attempts=3,
    max_deliveries=3,
    window_seconds=5.0,
    redelivery_delay=0.001,
    attempt_timeout=1.0,
)


def rejected(order_id: str = "o-1") -> Envelope[StockRejected]:
    payload = StockRejected(order_id=order_id, reason="insufficient", listing_id="l-1")
    return new_event(payload, producer="listings", correlation_id="c-1", key=order_id)


class Record:
    """A consumed record as FastStream hands it over: body, raw record, ack and nack."""

    def __init__(self, body: bytes, offset: int = 7, headers: list[Any] | None = None) -> None:
        self.body = body
        self.raw_message = ConsumerRecord(
            topic=str(Topic.STOCK_EVENTS),
            partition=1,
            offset=offset,
            timestamp=0,
            timestamp_type=0,
            key=b"o-1",
            value=body,
            checksum=None,
            serialized_key_size=3,
            serialized_value_size=len(body),
            headers=headers or [],
        )
        self.acks: list[str] = []

    async def ack(self) -> None:
        self.acks.append("ack")

    async def nack(self) -> None:
        self.acks.append("nack")


class Broker:
    """Captures what the consumer publishes; can be told the dead-letter topic is away."""

    def __init__(self) -> None:
        self.published: list[tuple[bytes, str, dict[str, str]]] = []
        self.failures_left = 0

    async def publish(self, body: bytes, *, topic: str, key: Any, headers: dict[str, str]) -> None:
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionError("kafka away")
        self.published.append((body, topic, headers))


class Letters:
    def __init__(self) -> None:
        self.recorded: list[DeadLetter] = []

    async def record(self, letter: DeadLetter) -> None:
        self.recorded.append(letter)


def consumer(handler: Any, policy: DeliveryPolicy = FAST) -> tuple[EventConsumer, Broker, Letters]:
    broker, letters = Broker(), Letters()
    made = EventConsumer(
        group_id="orders.stock-saga",
        handlers={"stock.rejected": handler},
        inbox=MemoryInbox(),
        broker=broker,  # type: ignore[arg-type]
        policy=policy,
        dead_letters=letters,
    )
    return made, broker, letters


async def deliver(made: EventConsumer, record: Record, most: int = 1000) -> int:
    """Deliver `record` until it is acknowledged, as the broker would; returns the deliveries."""
    for delivery in range(1, most + 1):
        await made.on_message(record)  # type: ignore[arg-type]
        if record.acks[-1] == "ack":
            return delivery
    raise AssertionError("never acknowledged")


class TestTransientErrorsAreBounded:
    async def test_a_transient_error_for_ever_is_dead_lettered_after_its_deliveries(self) -> None:
        calls: list[int] = []

        async def away(event: Envelope[Any]) -> None:
            calls.append(1)
            raise TransientError("store away")

        made, broker, letters = consumer(away)
        record = Record(rejected().model_dump_json().encode())

        assert await deliver(made, record) == 3
        assert record.acks == ["nack", "nack", "ack"]
        assert len(calls) == 3 * 2  # 3 deliveries of 2 attempts
        [(body, topic, headers)] = broker.published
        assert (body, topic) == (record.body, str(Topic.DEAD_LETTER))
        assert headers["dlq-reason"].startswith("gave up after 3 deliveries over ")
        assert headers["dlq-reason"].endswith(" s: TransientError: store away")
        assert (headers["dlq-deliveries"], headers["dlq-attempts"]) == ("3", "2")
        [letter] = letters.recorded
        assert letter.reason == headers["dlq-reason"]
        assert (letter.source_topic, letter.source_partition, letter.source_offset) == (
            str(Topic.STOCK_EVENTS),
            1,
            7,
        )
        assert letter.id == headers["dlq-id"]

    async def test_the_window_ends_redelivery_before_the_count_does(self) -> None:
        async def slow_and_away(event: Envelope[Any]) -> None:
            await asyncio.sleep(0.05)
            raise TransientError("store away")

        policy = DeliveryPolicy(
            attempts=2,
            retry_delay=0.01,
            max_deliveries=10_000,
            window_seconds=0.4,
            redelivery_delay=0.01,
            attempt_timeout=1.0,
        )
        made, broker, _ = consumer(slow_and_away, policy)
        record = Record(rejected().model_dump_json().encode())
        started = time.monotonic()

        deliveries = await deliver(made, record)

        held = time.monotonic() - started
        assert 0.4 <= held <= policy.worst_case_seconds
        assert deliveries < 10_000
        assert broker.published[0][2]["dlq-reason"].startswith(f"gave up after {deliveries} ")

    async def test_a_hanging_handler_holds_the_record_no_longer_than_the_worst_case(
        self,
    ) -> None:
        async def hangs(event: Envelope[Any]) -> None:
            await asyncio.Event().wait()

        policy = DeliveryPolicy(
            attempts=3, max_deliveries=3, window_seconds=0.3, attempt_timeout=0.1
        )
        made, broker, _ = consumer(hangs, policy)
        record = Record(rejected().model_dump_json().encode())
        started = time.monotonic()

        await deliver(made, record)

        assert time.monotonic() - started <= policy.worst_case_seconds
        assert "TimeoutError" in broker.published[0][2]["dlq-reason"]

    async def test_a_transient_error_that_clears_is_handled_on_a_later_delivery(self) -> None:
        calls: list[int] = []

        async def recovers(event: Envelope[Any]) -> None:
            calls.append(1)
            if len(calls) <= 2:
                raise TransientError("store away")

        made, broker, _ = consumer(recovers)
        record = Record(rejected().model_dump_json().encode())

        assert await deliver(made, record) == 2
        assert record.acks == ["nack", "ack"]
        assert broker.published == []


class TestNonTransientErrors:
    async def test_are_retried_then_dead_lettered_without_redelivery(self) -> None:
        calls: list[int] = []

        async def broken(event: Envelope[Any]) -> None:
            calls.append(1)
            raise ValueError("listing has no seller")

        made, broker, _ = consumer(broken)
        record = Record(rejected().model_dump_json().encode())

        assert await deliver(made, record) == 1
        assert len(calls) == 3
        headers = broker.published[0][2]
        assert headers["dlq-reason"] == "ValueError: listing has no seller"
        assert (headers["dlq-deliveries"], headers["dlq-attempts"]) == ("1", "3")

    async def test_a_second_attempt_that_succeeds_is_no_dead_letter(self) -> None:
        calls: list[int] = []

        async def racing(event: Envelope[Any]) -> None:
            calls.append(1)
            if len(calls) == 1:
                raise KeyError("read model one event behind")

        made, broker, _ = consumer(racing)
        record = Record(rejected().model_dump_json().encode())
        assert await deliver(made, record) == 1
        assert (len(calls), broker.published) == (2, [])


class TestDeadLetterThatCannotBeWritten:
    async def test_the_record_is_redelivered_until_its_dead_letter_is_published(self) -> None:
        async def broken(event: Envelope[Any]) -> None:
            raise ValueError("bug")

        made, broker, _ = consumer(broken)
        broker.failures_left = 2
        record = Record(rejected().model_dump_json().encode())

        assert await deliver(made, record) == 3
        assert record.acks == ["nack", "nack", "ack"]
        assert len(broker.published) == 1


class TestReplays:
    async def test_a_replay_for_another_group_is_skipped(self) -> None:
        calls: list[int] = []

        async def handle(event: Envelope[Any]) -> None:
            calls.append(1)

        made, _, _ = consumer(handle)
        headers = [(REPLAYED_FOR_GROUP, b"listings.order-saga")]
        record = Record(rejected().model_dump_json().encode(), headers=headers)
        await deliver(made, record)
        assert calls == []

    async def test_a_replay_for_this_group_is_handled(self) -> None:
        calls: list[int] = []

        async def handle(event: Envelope[Any]) -> None:
            calls.append(1)

        made, _, _ = consumer(handle)
        headers = [(REPLAYED_FOR_GROUP, b"orders.stock-saga")]
        record = Record(rejected().model_dump_json().encode(), headers=headers)
        await deliver(made, record)
        assert calls == [1]


class TestTheDefaults:
    def test_a_poison_record_holds_its_partition_under_a_minute(self) -> None:
        settings = ServiceSettings(
            service_name="orders",
            mongo_database="lumbung_orders",
            internal_secret=generate_secret(),
        )
        policy = DeliveryPolicy.from_settings(settings)
        assert policy == DeliveryPolicy()
        assert policy.worst_case_seconds == 50.0
        assert policy.worst_case_seconds < 60

    def test_the_fast_failing_case_stops_on_the_count_inside_the_window(self) -> None:
        policy = DeliveryPolicy()
        attempt_pauses = sum(policy.retry_delay * 2**n for n in range(policy.attempts - 1))
        redelivery_pauses = sum(
            policy.redelivery_pause(n, deadline=float("inf"))
            for n in range(1, policy.max_deliveries)
        )
        assert policy.max_deliveries * attempt_pauses + redelivery_pauses == pytest.approx(22.5)


class TestRedeliveryBook:
    def test_is_bounded(self) -> None:
        book = RedeliveryBook(capacity=2)
        for offset in range(3):
            book.failed(("t", 0, offset), float(offset))
        assert book.first_delivered(("t", 0, 0), 99.0) == 99.0  # the oldest was dropped
        assert book.first_delivered(("t", 0, 2), 99.0) == 2.0
