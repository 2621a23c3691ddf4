"""Kafka the Lumbung way, consuming side: commit only after the work is done, de-duplicate,
retry what is transient and dead-letter what never will work.

FastStream's default ack policy commits before the handler runs (at-most-once); `ACK` and
`REJECT_ON_ERROR` commit after a failure too. Here every message is acknowledged by hand: `ack`
after success or after it went to the dead-letter topic, `nack` (seek back, redeliver) when the
failure is transient. How often and how long, and why a poison record cannot hold its
partition for a minute: `lumbung_shared.redelivery`. Nothing escapes the handler, so the
consumer loop never dies. What it did with each record is counted in
`lumbung_shared.consumer_metrics`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.middlewares import AckPolicy
from prometheus_client import CollectorRegistry

from lumbung_shared.clock import utc_now
from lumbung_shared.consumer_metrics import UNKNOWN, ConsumerMetrics
from lumbung_shared.dead_letters import REPLAYED_FOR_GROUP, DeadLetter
from lumbung_shared.events import Envelope, Topic, UnknownEventError, decode_event
from lumbung_shared.inbox import Inbox, SelfIdempotent
from lumbung_shared.kafka import TRANSIENT, EventHandler
from lumbung_shared.observability import correlation
from lumbung_shared.redelivery import DeliveryPolicy, Position, RedeliveryBook

log = logging.getLogger(__name__)


async def _the_message(message: KafkaMessage) -> KafkaMessage:
    """A decoder that hands the handler the message itself (acks, record, raw body)."""
    return message


class DeadLetterLog(Protocol):
    """Where a consumer records what it dead-letters, besides the dead-letter topic."""

    async def record(self, letter: DeadLetter) -> None: ...


class EventConsumer:
    """Consumes one consumer group's topics: decode, de-duplicate, handle, acknowledge."""

    def __init__(
        self,
        *,
        group_id: str,
        handlers: Mapping[str, EventHandler],
        inbox: Inbox,
        broker: KafkaBroker,
        policy: DeliveryPolicy | None = None,
        dead_letters: DeadLetterLog | None = None,
        instance: str | None = None,
        metrics: ConsumerMetrics | None = None,
    ) -> None:
        """Without `metrics` the counts go to a registry of the consumer's own (unscraped)."""
        self.group_id = group_id
        self.topics: tuple[str, ...] = ()
        self._handlers = handlers
        self._inbox = inbox
        self._broker = broker
        self._policy = policy or DeliveryPolicy()
        self._dead_letters = dead_letters
        self._instance = instance
        self._book = RedeliveryBook()
        metrics = metrics or ConsumerMetrics(CollectorRegistry(), "")
        self._counts = metrics.group(group_id, handlers)

    @property
    def event_types(self) -> list[str]:
        """The event types this consumer acts on (the rest of its topics it skips)."""
        return sorted(self._handlers)

    def subscribe(self, topics: Sequence[Topic]) -> None:
        """Register with FastStream: manual acks, earliest offset for a new group.

        With an `instance`, the group is joined as a static member (KIP-345): a restarted
        process with the same instance gets its partitions back at once, where a new member
        would wait for the dead one's session to time out.
        """
        self.topics = tuple(str(topic) for topic in topics)
        self._broker.subscriber(
            *self.topics,
            group_id=self.group_id,
            group_instance_id=self._instance,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            decoder=_the_message,  # with `apply_types=False` (make_broker): no decode, no DI
            title=self.group_id,
            description=f"handles {', '.join(sorted(self._handlers))}",
        )(self.on_message)

    async def on_message(self, message: KafkaMessage) -> None:
        """Entry point for every record; always ends in ack or nack."""
        position = _position(message)
        first = self._book.first_delivered(position, time.monotonic())
        if _header(message, REPLAYED_FOR_GROUP) not in (None, self.group_id):
            await self._done(message)  # an admin replayed it for another group
            return
        try:
            envelope = decode_event(message.body)
        except (UnknownEventError, ValueError) as exc:  # ValueError: not even UTF-8 / JSON
            await self._give_up(message, UNKNOWN, str(exc)[:1000], 1, 1)  # retrying cannot help
            return
        handler = self._handlers.get(envelope.type)
        if handler is None:
            await self._done(message)
            return
        with correlation(envelope.correlation_id):
            outcome = await self._policy.attempt(
                lambda: self._handle_once(handler, envelope),
                deadline=first + self._policy.window_seconds,
                transient=TRANSIENT,
            )
        self._counts.retried(envelope.type, outcome.attempts - 1)
        if outcome.error is None:
            await self._done(message)
        elif isinstance(outcome.error, TRANSIENT):
            await self._redeliver_or_give_up(
                message, envelope.type, outcome.error, outcome.attempts, first
            )
        else:
            await self._give_up(
                message, envelope.type, _describe(outcome.error), outcome.attempts, 1
            )

    async def _handle_once(self, handler: EventHandler, envelope: Envelope[Any]) -> None:
        event_id = str(envelope.event_id)
        checked = not isinstance(handler, SelfIdempotent)
        if checked and await self._inbox.seen(self.group_id, event_id):
            log.info("duplicate event skipped", extra={"event_id": event_id})
            self._counts.duplicate(envelope.type)
            return
        started = time.perf_counter()
        try:
            await handler(envelope)
        finally:  # a failed or timed-out (cancelled) attempt is timed too
            self._counts.handler_ran(envelope.type, time.perf_counter() - started)
        await self._inbox.mark(self.group_id, event_id)
        self._counts.handled(envelope.type)

    async def _redeliver_or_give_up(
        self, message: KafkaMessage, event_type: str, error: Exception, attempts: int, first: float
    ) -> None:
        """Seek back for another delivery, unless this record used up its deliveries or window.

        Our own bookkeeping, not tenacity: the next delivery is a new call of `on_message`.
        """
        position = _position(message)
        deliveries = self._book.failed(position, first)
        elapsed = time.monotonic() - first
        deadline = first + self._policy.window_seconds
        if deliveries >= self._policy.max_deliveries or time.monotonic() >= deadline:
            reason = (
                f"gave up after {deliveries} deliveries over {elapsed:.1f} s: {_describe(error)}"
            )
            await self._give_up(message, event_type, reason, attempts, deliveries)
            return
        pause = self._policy.redelivery_pause(deliveries, deadline)
        log.warning(
            "transient failure; redelivering",
            extra={"error": repr(error)[:300], "deliveries": deliveries, "delay_s": pause},
        )
        await asyncio.sleep(pause)
        self._counts.retried(event_type)
        await message.nack()

    async def _give_up(
        self, message: KafkaMessage, event_type: str, reason: str, attempts: int, deliveries: int
    ) -> None:
        """Dead-letter the record, then ack it; if the dead letter cannot be written, redeliver.

        A dead-letter topic (or store) that is away does not make the record poison: it is
        sought back and comes again, after a capped pause, until its dead letter is written.
        """
        try:
            async with asyncio.timeout(self._policy.attempt_timeout):
                await self._dead_letter(message, reason, attempts, deliveries)
        except Exception as exc:
            log.warning("dead letter not written; redelivering", extra={"error": repr(exc)[:300]})
            await asyncio.sleep(self._policy.outage_pause)
            self._counts.retried(event_type)
            await message.nack()
            return
        self._counts.dead_lettered(event_type)
        await self._done(message)

    async def _dead_letter(
        self, message: KafkaMessage, reason: str, attempts: int, deliveries: int
    ) -> None:
        """Record the record, untouched, with why and where from: in the store, then the topic."""
        record = message.raw_message
        assert not isinstance(record, tuple)  # batch consumers are not used
        letter = DeadLetter(
            id=DeadLetter.id_for(self.group_id, record.topic, record.partition, record.offset),
            consumer_group=self.group_id,
            source_topic=record.topic,
            source_partition=record.partition,
            source_offset=record.offset,
            key=record.key,
            headers=tuple(
                (name, bytes(value).decode(errors="replace")) for name, value in record.headers
            ),
            body=message.body,
            reason=reason[:1000],
            failed_at=utc_now(),
        )
        log.error(
            "event dead-lettered",
            extra={"reason": letter.reason, "topic": record.topic, "dead_letter_id": letter.id},
        )
        if self._dead_letters is not None:
            await self._dead_letters.record(letter)
        await self._broker.publish(
            message.body,
            topic=str(Topic.DEAD_LETTER),
            key=record.key,
            headers={
                "dlq-id": letter.id,
                "dlq-reason": letter.reason,
                "dlq-attempts": str(attempts),  # in its last delivery
                "dlq-deliveries": str(deliveries),
                "dlq-consumer-group": self.group_id,
                "dlq-source-topic": record.topic,
                "dlq-source-partition": str(record.partition),
                "dlq-source-offset": str(record.offset),
                "dlq-failed-at": letter.failed_at.isoformat(),
            },
        )

    async def _done(self, message: KafkaMessage) -> None:
        self._book.forget(_position(message))
        await message.ack()


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _header(message: KafkaMessage, name: str) -> str | None:
    record = message.raw_message
    assert not isinstance(record, tuple)
    for key, value in record.headers or ():
        if key == name:
            return bytes(value).decode(errors="replace")
    return None


def _position(message: KafkaMessage) -> Position:
    record = message.raw_message
    assert not isinstance(record, tuple)
    return (record.topic, record.partition, record.offset)
