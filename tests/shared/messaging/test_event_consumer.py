"""EventConsumer's promises, checked fast on FastStream's in-memory broker.

The same behaviour is proven on the real broker by tests/integration (poison and duplicates);
here each branch is pinned down: transient failures retry, permanent ones dead-letter with the
reason, repeats are skipped, unrelated types are ignored, and nothing stops the consumer.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Envelope, Topic, new_event
from lumbung_shared.events.stock import StockRejected
from lumbung_shared.inbox import SelfIdempotent
from lumbung_shared.kafka import TransientError
from lumbung_shared.redelivery import DeliveryPolicy


class MemoryInbox:
    """The inbox contract, in memory (the Mongo one is exercised by integration tests)."""

    def __init__(self) -> None:
        self.marked: set[tuple[str, str]] = set()
        self.lookups = 0

    async def seen(self, consumer: str, event_id: str) -> bool:
        self.lookups += 1
        return (consumer, event_id) in self.marked

    async def mark(self, consumer: str, event_id: str) -> None:
        self.marked.add((consumer, event_id))


def rejected(order_id: str = "o-1") -> Envelope[StockRejected]:
    payload = StockRejected(order_id=order_id, reason="insufficient", listing_id="l-1")
    return new_event(payload, producer="listings", correlation_id="c-1", key=order_id)


class Harness:
    """A broker with one EventConsumer and a tap on the dead-letter topic."""

    def __init__(self, handler: Any) -> None:
        self.broker = KafkaBroker()
        self.inbox = MemoryInbox()
        self.dead_letters: list[tuple[bytes, dict[str, str]]] = []
        EventConsumer(
            group_id="orders.saga",
            handlers={"stock.rejected": handler},
            inbox=self.inbox,
            broker=self.broker,
            policy=DeliveryPolicy(attempts=3, retry_delay=0.001),
        ).subscribe([Topic.STOCK_EVENTS])

        @self.broker.subscriber(str(Topic.DEAD_LETTER))
        async def capture(message: KafkaMessage) -> None:
            self.dead_letters.append((message.body, dict(message.headers)))

    async def send(self, raw: bytes) -> None:
        await self.broker.publish(raw, topic=str(Topic.STOCK_EVENTS), key=b"o-1")


class TestEventConsumer:
    async def test_a_handled_event_is_marked_processed(self) -> None:
        seen: list[str] = []

        async def handle(event: Envelope[Any]) -> None:
            seen.append(event.payload.order_id)

        harness = Harness(handle)
        event = rejected()
        async with TestKafkaBroker(harness.broker):
            await harness.send(event.model_dump_json().encode())
            await harness.send(event.model_dump_json().encode())
        assert seen == ["o-1"]
        assert harness.inbox.marked == {("orders.saga", str(event.event_id))}

    async def test_a_self_idempotent_handler_runs_without_the_inbox_read_and_is_marked(
        self,
    ) -> None:
        seen: list[str] = []

        async def handle(event: Envelope[Any]) -> None:
            seen.append(event.payload.order_id)

        harness = Harness(SelfIdempotent(handle))
        event = rejected()
        async with TestKafkaBroker(harness.broker):
            await harness.send(event.model_dump_json().encode())
            await harness.send(event.model_dump_json().encode())
        assert seen == ["o-1", "o-1"]  # the repeat is the handler's to recognise
        assert harness.inbox.lookups == 0
        assert harness.inbox.marked == {("orders.saga", str(event.event_id))}

    async def test_transient_failures_are_retried_until_they_pass(self) -> None:
        attempts: list[int] = []

        async def flaky(event: Envelope[Any]) -> None:
            attempts.append(1)
            if len(attempts) < 3:
                raise TransientError("store briefly away")

        harness = Harness(flaky)
        async with TestKafkaBroker(harness.broker):
            await harness.send(rejected().model_dump_json().encode())
        assert len(attempts) == 3
        assert harness.dead_letters == []

    async def test_a_handler_bug_dead_letters_the_event_with_the_reason(self) -> None:
        async def broken(event: Envelope[Any]) -> None:
            raise ValueError("listing has no seller")

        harness = Harness(broken)
        async with TestKafkaBroker(harness.broker):
            await harness.send(rejected().model_dump_json().encode())
        [(body, headers)] = harness.dead_letters
        assert b'"stock.rejected"' in body
        assert headers["dlq-reason"] == "ValueError: listing has no seller"
        assert headers["dlq-consumer-group"] == "orders.saga"
        assert harness.inbox.marked == set()

    async def test_garbage_is_dead_lettered_and_the_next_event_still_handled(self) -> None:
        handled: list[str] = []

        async def handle(event: Envelope[Any]) -> None:
            handled.append(event.payload.order_id)

        harness = Harness(handle)
        async with TestKafkaBroker(harness.broker):
            await harness.send(b"\x00garbage")
            await harness.send(rejected("o-2").model_dump_json().encode())
        assert [headers["dlq-source-topic"] for _, headers in harness.dead_letters] == [
            "lumbung.stock.events"
        ]
        assert handled == ["o-2"]
