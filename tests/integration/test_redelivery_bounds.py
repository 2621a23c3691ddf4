"""A poison record on the real broker: dead-lettered within its bound, and its partition goes on.

The consumer runs in the test process against the session stack's Kafka, on a topic of its own
with one partition, so the poison record and the next one share a partition, as in production.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import uuid4

import pytest
from devstack.stack import Stack
from faststream.kafka import KafkaBroker
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Envelope, Topic, new_event
from lumbung_shared.events.stock import StockRejected
from lumbung_shared.kafka import TransientError
from lumbung_shared.redelivery import DeliveryPolicy

from tests.shared.messaging.test_event_consumer import MemoryInbox
from tests.support.kafka import tap
from tests.support.polling import eventually
from tests.support.topics import own_topic as topic_of_its_own

POLICY = DeliveryPolicy(
    attempts=2,
    retry_delay=0.05,
    non_transient_attempts=3,
    max_deliveries=1000,  # the window, not the count, ends the transient case
    window_seconds=3.0,
    redelivery_delay=0.1,
    attempt_timeout=1.0,
)


def rejected(order_id: str) -> Envelope[StockRejected]:
    payload = StockRejected(order_id=order_id, reason="insufficient", listing_id="l-1")
    return new_event(payload, producer="test", correlation_id=uuid4().hex, key=order_id)


@pytest.fixture
async def own_topic(stack: Stack) -> AsyncIterator[str]:
    async with topic_of_its_own(stack, "redelivery") as name:
        yield name


class Running:
    """One EventConsumer on the real broker, with the handled order ids in arrival order."""

    def __init__(self, stack: Stack, topic: str, fails: Callable[[str], Exception | None]) -> None:
        self.group = f"test.redelivery-{uuid4().hex[:8]}"
        self.broker = KafkaBroker(stack.kafka.bootstrap)
        self.topic = topic
        self.handled: list[str] = []
        self.calls: dict[str, int] = {}

        async def handle(event: Envelope[Any]) -> None:
            order_id = event.payload.order_id
            self.calls[order_id] = self.calls.get(order_id, 0) + 1
            error = fails(order_id)
            if error is not None:
                raise error
            self.handled.append(order_id)

        EventConsumer(
            group_id=self.group,
            handlers={"stock.rejected": handle},
            inbox=MemoryInbox(),
            broker=self.broker,
            policy=POLICY,
        ).subscribe([self.topic])  # type: ignore[list-item]

    async def send(self, event: Envelope[Any]) -> None:
        await self.broker.publish(
            event.model_dump_json().encode(), topic=self.topic, key=b"same-partition"
        )


async def _after(running: Running, order_id: str) -> list[str] | None:
    return running.handled if order_id in running.handled else None


async def _dead_letter_then_next(
    stack: Stack,
    running: Running,
    failing: Envelope[StockRejected],
    next_one: Envelope[StockRejected],
) -> tuple[Any, list[str], float]:
    """Send `failing` then `next_one`; the dead letter of `failing`, what was handled after it,
    and how long the dead letter took from the send."""
    async with tap(stack, Topic.DEAD_LETTER, raw=True) as dead_letters:
        await running.broker.start()
        try:
            sent_at = time.monotonic()
            await running.send(failing)
            await running.send(next_one)
            record = await dead_letters.wait_for(
                lambda r: (
                    dict(getattr(r, "headers", ())).get("dlq-consumer-group")
                    == running.group.encode()
                ),
                within=30,
            )
            dead_lettered_after = time.monotonic() - sent_at
            handled = await eventually(lambda: _after(running, next_one.key), within=10)
        finally:
            await running.broker.stop()
    return record, handled, dead_lettered_after


class TestRedeliveryBounds:
    async def test_a_transient_error_for_ever_is_dead_lettered_in_bound_and_the_next_is_handled(
        self, stack: Stack, own_topic: str
    ) -> None:
        poison, next_one = rejected(f"poison-{uuid4().hex[:6]}"), rejected("next")
        running = Running(
            stack, own_topic, lambda order: TransientError("away") if order == poison.key else None
        )
        record, handled, dead_lettered_after = await _dead_letter_then_next(
            stack, running, poison, next_one
        )

        headers = dict(record.headers)
        reason = headers["dlq-reason"].decode()
        assert reason.startswith("gave up after ")
        assert reason.endswith(": TransientError: away")
        deliveries = int(reason.split()[3])
        assert deliveries > 1  # it was sought back and redelivered before giving up
        assert headers["dlq-source-topic"] == own_topic.encode()
        # From its first delivery: never longer than the policy's worst case (plus the
        # consumer's start-up, counted here from the send).
        assert dead_lettered_after < POLICY.worst_case_seconds + 10
        assert float(reason.split()[6]) <= POLICY.worst_case_seconds
        assert handled == ["next"]
        assert running.calls[poison.key] >= deliveries

    async def test_a_non_transient_error_is_tried_three_times_then_dead_lettered(
        self, stack: Stack, own_topic: str
    ) -> None:
        bug, next_one = rejected(f"bug-{uuid4().hex[:6]}"), rejected("after-bug")
        running = Running(
            stack, own_topic, lambda order: ValueError("no seller") if order == bug.key else None
        )
        record, handled, _ = await _dead_letter_then_next(stack, running, bug, next_one)

        headers = dict(record.headers)
        assert headers["dlq-reason"] == b"ValueError: no seller"
        assert headers["dlq-attempts"] == b"3"
        assert running.calls[bug.key] == 3
        assert handled == ["after-bug"]
