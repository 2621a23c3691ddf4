"""Talk to the test stack's real Kafka broker directly: inject events, watch what services emit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from devstack.stack import Stack
from lumbung_shared.events import Envelope, EventPayload, Topic, decode_event, new_event


async def publish(stack: Stack, envelope: Envelope[Any]) -> None:
    """Put one event on its topic, keyed like the outbox relay keys it."""
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka.bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            str(envelope.topic), envelope.model_dump_json().encode(), key=envelope.key.encode()
        )
    finally:
        await producer.stop()


async def publish_raw(stack: Stack, topic: Topic, body: bytes, key: bytes = b"k") -> None:
    """Put arbitrary bytes on a topic (poison-message tests)."""
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(str(topic), body, key=key)
    finally:
        await producer.stop()


def event(payload: EventPayload, key: str, producer: str = "test") -> Envelope[Any]:
    """A fresh envelope around a payload, as a service would emit it."""
    return new_event(payload, producer=producer, correlation_id=uuid4().hex, key=key)


class EventTap:
    """Records what arrives on topics from the moment it is opened."""

    def __init__(self, consumer: AIOKafkaConsumer, raw: bool = False) -> None:
        self._consumer = consumer
        self._decode: Callable[[Any], Any] = (lambda m: m) if raw else _decode
        self.records: list[Any] = []

    async def wait_for(self, match: Callable[[Any], bool], within: float = 45.0) -> Any:
        """The first record (decoded envelope, or raw ConsumerRecord if undecodable) matching."""
        deadline = time.monotonic() + within
        for record in self.records:
            if match(record):
                return record
        while time.monotonic() < deadline:
            batch = await self._consumer.getmany(timeout_ms=200)
            fresh = [self._decode(m) for messages in batch.values() for m in messages]
            self.records.extend(fresh)  # keep the whole batch for later waits
            for item in fresh:
                if match(item):
                    return item
        raise AssertionError(f"no matching event within {within}s; saw {len(self.records)}")

    async def envelopes(self, within: float = 1.0) -> list[Envelope[Any]]:
        """Everything decodable seen so far plus what arrives within `within` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            batch = await self._consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                self.records.extend(self._decode(m) for m in messages)
        return [r for r in self.records if isinstance(r, Envelope)]


def _decode(message: Any) -> Any:
    try:
        return decode_event(message.value)
    except ValueError:
        return message


@asynccontextmanager
async def tap(stack: Stack, *topics: Topic, raw: bool = False) -> AsyncIterator[EventTap]:
    """Watch topics from their current end (only what happens after opening is seen).

    `raw`: keep every record as the ConsumerRecord (headers included), even a decodable one.
    """
    consumer = AIOKafkaConsumer(
        *[str(t) for t in topics],
        bootstrap_servers=stack.kafka.bootstrap,
        group_id=f"test-tap-{uuid4().hex[:8]}",
        auto_offset_reset="latest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        await _wait_for_assignment(consumer)
        yield EventTap(consumer, raw)
    finally:
        await consumer.stop()


async def _wait_for_assignment(consumer: AIOKafkaConsumer) -> None:
    for _ in range(100):
        if consumer.assignment():
            for partition in consumer.assignment():
                await consumer.position(partition)
            return
        await consumer.getmany(timeout_ms=100)
        await asyncio.sleep(0.05)
    raise AssertionError("tap got no partitions")
