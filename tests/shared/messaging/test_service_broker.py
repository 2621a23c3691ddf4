"""`EventConsumer` on the services' own broker (`make_broker`): no dependency injection.

`make_broker` turns FastDepends off and the consumer's decoder hands over the message itself,
which is what keeps FastStream's cost per record near raw aiokafka's (bench/sections/kafka.py).
These tests pin down that the consumer's promises hold on that broker: events are handled
once, garbage is dead-lettered untouched, and a failed handler's record is not acknowledged
as handled.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Envelope, Topic, new_event
from lumbung_shared.events.stock import StockRejected
from lumbung_shared.kafka import make_broker
from lumbung_shared.redelivery import DeliveryPolicy
from lumbung_shared.secrets import generate_secret
from lumbung_shared.settings import ServiceSettings

GROUP = "orders.saga"


class MemoryInbox:
    def __init__(self) -> None:
        self.marked: set[tuple[str, str]] = set()

    async def seen(self, consumer: str, event_id: str) -> bool:
        return (consumer, event_id) in self.marked

    async def mark(self, consumer: str, event_id: str) -> None:
        self.marked.add((consumer, event_id))


def services_broker() -> KafkaBroker:
    settings = ServiceSettings(
        service_name="orders", mongo_database="unused", internal_secret=generate_secret()
    )
    return make_broker(settings)


def rejected(order_id: str) -> Envelope[StockRejected]:
    payload = StockRejected(order_id=order_id, reason="insufficient", listing_id="l-1")
    return new_event(payload, producer="listings", correlation_id="c-1", key=order_id)


class Harness:
    """The services' broker with one EventConsumer and a tap on the dead-letter topic."""

    def __init__(self, handler: Any) -> None:
        self.broker = services_broker()
        self.inbox = MemoryInbox()
        self.dead_letters: list[tuple[bytes, dict[str, str]]] = []
        EventConsumer(
            group_id=GROUP,
            handlers={"stock.rejected": handler},
            inbox=self.inbox,
            broker=self.broker,
            policy=DeliveryPolicy(attempts=2, retry_delay=0.001),
        ).subscribe([Topic.STOCK_EVENTS])

        async def whole(message: KafkaMessage) -> KafkaMessage:
            return message

        @self.broker.subscriber(str(Topic.DEAD_LETTER), decoder=whole)
        async def capture(message: KafkaMessage) -> None:
            self.dead_letters.append((message.body, dict(message.headers)))

    async def send(self, raw: bytes) -> None:
        await self.broker.publish(raw, topic=str(Topic.STOCK_EVENTS), key=b"o-1")


class TestEventConsumerOnTheServicesBroker:
    async def test_an_event_is_handled_once_and_marked(self) -> None:
        seen: list[str] = []

        async def handle(event: Envelope[Any]) -> None:
            seen.append(event.payload.order_id)

        harness = Harness(handle)
        event = rejected("o-1")
        async with TestKafkaBroker(harness.broker):
            await harness.send(event.model_dump_json().encode())
            await harness.send(event.model_dump_json().encode())
        assert seen == ["o-1"]
        assert harness.inbox.marked == {(GROUP, str(event.event_id))}

    async def test_garbage_is_dead_lettered_untouched_and_the_next_event_handled(self) -> None:
        seen: list[str] = []

        async def handle(event: Envelope[Any]) -> None:
            seen.append(event.payload.order_id)

        harness = Harness(handle)
        async with TestKafkaBroker(harness.broker):
            await harness.send(b"\x00garbage")
            await harness.send(rejected("o-2").model_dump_json().encode())
        [(body, headers)] = harness.dead_letters
        assert body == b"\x00garbage"
        assert headers["dlq-consumer-group"] == GROUP
        assert seen == ["o-2"]

    async def test_a_failing_handler_dead_letters_its_event_unmarked(self) -> None:
        async def broken(event: Envelope[Any]) -> None:
            raise ValueError("listing has no seller")

        harness = Harness(broken)
        async with TestKafkaBroker(harness.broker):
            await harness.send(rejected("o-3").model_dump_json().encode())
        [(body, headers)] = harness.dead_letters
        assert b'"o-3"' in body
        assert headers["dlq-reason"] == "ValueError: listing has no seller"
        assert harness.inbox.marked == set()
