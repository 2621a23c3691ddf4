"""Kafka the Lumbung way: a producer that does not lose events, consumers that commit only after
the work is done, de-duplicate, retry what is transient and dead-letter what never will work.

FastStream's default ack policy commits before the handler runs (at-most-once); `ACK` and
`REJECT_ON_ERROR` commit after a failure too. Here every message is acknowledged by hand: `ack`
after success or after it went to the dead-letter topic, `nack` (seek back, redeliver) when the
failure is transient. Nothing escapes the handler, so the consumer loop never dies.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.middlewares import AckPolicy
from pymongo.errors import ConnectionFailure, ExecutionTimeout, WriteConcernError

from lumbung_shared.events import Envelope, Topic, UnknownEventError, decode_event
from lumbung_shared.inbox import Inbox
from lumbung_shared.observability import correlation
from lumbung_shared.settings import ServiceSettings

log = logging.getLogger(__name__)

EventHandler = Callable[[Envelope[Any]], Awaitable[None]]


class TransientError(Exception):
    """Raise from a handler when a retry later may succeed (a dependency is away)."""


TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionFailure,
    ExecutionTimeout,
    WriteConcernError,
    KafkaError,
    TimeoutError,
    ConnectionError,
)


def make_broker(settings: ServiceSettings) -> KafkaBroker:
    """A broker whose producer is idempotent with acks=all, so an acked event is durable."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=settings.service_name,
        enable_idempotence=True,
        acks="all",
        request_timeout_ms=settings.kafka_request_timeout_ms,
        graceful_timeout=10.0,
    )


def outbox_publisher(broker: KafkaBroker) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """The relay's publish function: one outbox entry to its topic, keyed by aggregate id."""

    async def publish(entry: dict[str, Any]) -> None:
        await broker.publish(
            entry["body"].encode(),
            topic=entry["topic"],
            key=entry["key"].encode(),
            headers={"event-type": entry["type"], "event-id": entry["event_id"]},
            correlation_id=entry.get("correlation_id"),
        )

    return publish


class EventConsumer:
    """Consumes one consumer group's topics: decode, de-duplicate, handle, acknowledge."""

    def __init__(
        self,
        *,
        group_id: str,
        handlers: Mapping[str, EventHandler],
        inbox: Inbox,
        broker: KafkaBroker,
        max_attempts: int = 5,
        base_delay: float = 0.2,
    ) -> None:
        self.group_id = group_id
        self._handlers = handlers
        self._inbox = inbox
        self._broker = broker
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._redeliveries: dict[tuple[str, int, int], int] = {}

    @property
    def event_types(self) -> list[str]:
        """The event types this consumer acts on (the rest of its topics it skips)."""
        return sorted(self._handlers)

    def subscribe(self, topics: Sequence[Topic]) -> None:
        """Register with FastStream: manual acks, earliest offset for a new group."""
        self._broker.subscriber(
            *[str(topic) for topic in topics],
            group_id=self.group_id,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            title=self.group_id,
            description=f"handles {', '.join(sorted(self._handlers))}",
        )(self.on_message)

    async def on_message(self, message: KafkaMessage) -> None:
        """Entry point for every record; always ends in ack or nack."""
        try:
            await self._process(message)
        except TRANSIENT as exc:
            await self._redeliver_later(message, exc)
        except Exception as exc:
            await self._dead_letter_or_retry(message, f"{type(exc).__name__}: {exc}")
        else:
            self._forget(message)
            await message.ack()

    async def _process(self, message: KafkaMessage) -> None:
        try:
            envelope = decode_event(message.body)
        except UnknownEventError as exc:
            await self._dead_letter(message, str(exc))
            return
        handler = self._handlers.get(envelope.type)
        if handler is None:
            return
        event_id = str(envelope.event_id)
        with correlation(envelope.correlation_id):
            if await self._inbox.seen(self.group_id, event_id):
                log.info("duplicate event skipped", extra={"event_id": event_id})
                return
            await self._with_retries(handler, envelope)
            await self._inbox.mark(self.group_id, event_id)

    async def _with_retries(self, handler: EventHandler, envelope: Envelope[Any]) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                await handler(envelope)
                return
            except TRANSIENT:
                if attempt == self._max_attempts:
                    raise
                await asyncio.sleep(self._base_delay * 2 ** (attempt - 1))

    async def _redeliver_later(self, message: KafkaMessage, exc: BaseException) -> None:
        """Back off, then seek back so the same record comes again (order is kept)."""
        count = self._redeliveries[_position(message)] = (
            self._redeliveries.get(_position(message), 0) + 1
        )
        delay = min(30.0, self._base_delay * 2**count)
        log.warning(
            "transient failure; redelivering",
            extra={"error": repr(exc), "redelivery": count, "delay_s": delay},
        )
        await asyncio.sleep(delay)
        await message.nack()

    async def _dead_letter_or_retry(self, message: KafkaMessage, reason: str) -> None:
        try:
            await self._dead_letter(message, reason)
        except TRANSIENT as exc:
            await self._redeliver_later(message, exc)
            return
        self._forget(message)
        await message.ack()

    async def _dead_letter(self, message: KafkaMessage, reason: str) -> None:
        """Park the record, untouched, on the dead-letter topic with why and where from."""
        record = message.raw_message
        assert not isinstance(record, tuple)  # batch consumers are not used
        log.error("event dead-lettered", extra={"reason": reason, "topic": record.topic})
        await self._broker.publish(
            message.body,
            topic=str(Topic.DEAD_LETTER),
            key=record.key,
            headers={
                "dlq-reason": reason[:1000],
                "dlq-consumer-group": self.group_id,
                "dlq-source-topic": record.topic,
                "dlq-source-partition": str(record.partition),
                "dlq-source-offset": str(record.offset),
                "dlq-failed-at": datetime.now(UTC).isoformat(),
            },
        )

    def _forget(self, message: KafkaMessage) -> None:
        self._redeliveries.pop(_position(message), None)


def _position(message: KafkaMessage) -> tuple[str, int, int]:
    record = message.raw_message
    assert not isinstance(record, tuple)
    return (record.topic, record.partition, record.offset)
