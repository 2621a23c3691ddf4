"""Kafka the Lumbung way, producing side: a producer that does not lose events, the relay's
pipelined publish, the admin replay, and what a handler raises to ask for a retry.

The consuming side (manual acks, de-duplication, bounded redelivery, dead letters) is
`lumbung_shared.consumer`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker
from pymongo.errors import ConnectionFailure, ExecutionTimeout, WriteConcernError

from lumbung_shared.dead_letters import DeadLetter
from lumbung_shared.events import Envelope
from lumbung_shared.settings import ServiceSettings
from lumbung_shared.trace_context import TRACE_CONTEXT, restored

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


def make_broker(
    settings: ServiceSettings, middlewares: Sequence[Callable[..., Any]] = ()
) -> KafkaBroker:
    """A broker whose producer is idempotent with acks=all, so an acked event is durable.

    No dependency injection (FastDepends resolved our `Context` parameter in a worker thread
    per record) and FastStream's two log lines per record at DEBUG (errors stay at ERROR): the
    two doubled the CPU per record (bench/sections/kafka.py). How records arrive: `subscribe`.
    `middlewares`: FastStream broker middlewares (tracing, metrics), outermost first.
    """
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=settings.service_name,
        enable_idempotence=True,
        acks="all",
        request_timeout_ms=settings.kafka_request_timeout_ms,
        graceful_timeout=10.0,
        apply_types=False,
        log_level=logging.DEBUG,
        middlewares=tuple(middlewares),
    )


EVENT_CONTENT_TYPE = "application/json"
"""Every event record's `content-type` header: its value is a JSON envelope."""


def outbox_publisher(
    broker: KafkaBroker,
) -> Callable[[dict[str, Any]], Awaitable[Awaitable[object]]]:
    """The relay's publish function: one outbox entry to its topic, keyed by aggregate id.

    Returns once the record is in the producer's buffer, with its ack to await later
    (`no_confirm=True` hands back aiokafka's send future), so the relay sends a whole batch
    before waiting. Order per key holds: aiokafka appends records to their partition's queue
    in call order and has one produce request per broker in flight, and the idempotent
    producer's sequence numbers keep retries in that order.
    """

    async def publish(entry: dict[str, Any]) -> Awaitable[object]:
        with restored(entry.get(TRACE_CONTEXT)):  # the trace of the write that queued it
            return await _publish(entry)

    async def _publish(entry: dict[str, Any]) -> Awaitable[object]:
        return await broker.publish(
            entry["body"].encode(),
            topic=entry["topic"],
            key=entry["key"].encode(),
            headers={
                # FastStream writes an empty content-type for a bytes body; an envelope is JSON.
                "content-type": EVENT_CONTENT_TYPE,
                "event-type": entry["type"],
                "event-id": entry["event_id"],
            },
            correlation_id=entry.get("correlation_id"),
            no_confirm=True,
        )

    return publish


def dead_letter_publisher(
    broker: KafkaBroker,
) -> Callable[[DeadLetter, dict[str, str]], Awaitable[None]]:
    """Republish a dead letter's record to its source topic (admin replay), same key."""

    async def republish(letter: DeadLetter, headers: dict[str, str]) -> None:
        await broker.publish(
            letter.body, topic=letter.source_topic, key=letter.key, headers=headers
        )

    return republish
