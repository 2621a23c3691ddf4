"""The outbox relay: N pending events drained by a real `OutboxRelay` vs raw aiokafka.

N documents, one event each (a `stock.reserved` body, ~0.5 KB), are written straight into
`bench_relay.aggregates` with `outbox_fields` (their topic swapped for a `bench_relay_*` topic
of this section's own, so no service consumes them), every one hinted to the relay as the
services' writers hint it, and drained with the services' producer (`make_broker`: idempotent,
acks=all) and one Mongo connection, as in a service process. Baselines in the same call:
- raw aiokafka, same producer settings, sending the same N records pipelined (send all, then
  await all): what Kafka alone costs;
- the store floor: that raw send plus, replayed one for one with raw PyMongo, the store
  commands the relay sent (counted by a command listener), each an `{_id}` read or write of
  the same documents: what the relay's store work costs on this store at the very least.
A last row counts the relay's store round trips per event.

Budget: ~40 s (N = 2,000; `quick`: 300): the relay publishes for at most 15 s (a batch per
pass, so the deadline holds) and the floor replays only what those passes sent; failures are
counted in the notes, never raised. The relay's target is out of reach on FerretDB: removing a
published entry is an `{_id}` write, which SQLite serves by scanning the table (its `_id`
index is on another expression), so the floor row says what the store costs.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from lumbung_shared.events import new_event
from lumbung_shared.events.stock import StockLine, StockReserved
from lumbung_shared.kafka import make_broker, outbox_publisher
from lumbung_shared.outbox import BATCH, OutboxRelay, outbox_fields
from lumbung_shared.settings import ServiceSettings
from pymongo import AsyncMongoClient, DeleteOne, InsertOne, UpdateOne, monitoring

from bench.harness import BenchContext, Row, at_least

SECTION = "relay"
DATABASE = "bench_relay"
PARTITIONS = 2
RELAY_SHARE = 0.80  # the target: relay ≥ 80 % of raw aiokafka
PHASE_SECONDS = 15.0
CLEANUP_SECONDS = 10.0
Document = dict[str, Any]


class StoreCommands(monitoring.CommandListener):
    """The relay's store commands, each with how many documents it touched."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        self.recording = False

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.recording:
            batch = next(
                (
                    event.command[k]
                    for k in ("documents", "updates", "deletes")
                    if k in event.command
                ),
                [None],
            )
            self.seen.append((event.command_name, len(batch)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def entries_for(n: int, topic: str) -> list[Document]:
    """N aggregates' documents, one pending event each, bound for the section's topic."""
    docs = []
    for i in range(n):
        order_id = f"bench-{i:05d}"
        line = StockLine(listing_id="l-bench", quantity=1, remaining=100)
        event = new_event(
            StockReserved(order_id=order_id, lines=[line]),
            producer="bench",
            correlation_id=uuid4().hex,
            key=order_id,
        )
        doc = {"_id": order_id, "state": "reserved", **outbox_fields(event)}
        doc["outbox"] = [{**doc["outbox"][0], "topic": topic}]
        docs.append(doc)
    return docs


async def raw_send(bootstrap: str, docs: list[Document]) -> tuple[float, int]:
    """Seconds to send every record pipelined with a raw producer of the services' settings."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", request_timeout_ms=10_000
    )
    await producer.start()
    try:
        entries = [doc["outbox"][0] for doc in docs]
        await producer.send_and_wait(entries[0]["topic"], b"warm-up", key=b"warm-up")
        started = time.perf_counter()
        acks = []
        for e in entries:
            headers = [("event-type", e["type"].encode()), ("event-id", e["event_id"].encode())]
            acks.append(
                await producer.send(
                    e["topic"], e["body"].encode(), key=e["key"].encode(), headers=headers
                )
            )
        results = await asyncio.wait_for(
            asyncio.gather(*acks, return_exceptions=True), PHASE_SECONDS
        )
        elapsed = time.perf_counter() - started
        return elapsed, sum(1 for r in results if isinstance(r, BaseException))
    finally:
        await producer.stop()


async def relay_drain(
    ctx: BenchContext, client: AsyncMongoClient[Document], docs: list[Document], log: StoreCommands
) -> tuple[float, int]:
    """Seconds for a real relay to publish every hinted document's event; how many it did."""
    collection = client[DATABASE]["aggregates"]
    settings = ServiceSettings(
        service_name="bench-relay",
        mongo_database=DATABASE,
        kafka_bootstrap_servers=ctx.stack.kafka.bootstrap,
        internal_secret=ctx.stack.secrets.internal_secret,
    )
    broker = make_broker(settings)
    await broker.start()
    try:
        await broker.publish(b"warm-up", topic=docs[0]["outbox"][0]["topic"], key=b"warm-up")
        relay = OutboxRelay([], outbox_publisher(broker), full_scan_seconds=3600)
        notify = relay.watch(collection)
        await relay.drain()  # its start-up scan, before the writes (the hot path is hinted)
        for start in range(0, len(docs), 500):
            await collection.insert_many(docs[start : start + 500])
        log.recording = True
        started, published = time.perf_counter(), 0
        for start in range(0, len(docs), BATCH):  # a relay batch per pass, so the deadline holds
            if time.perf_counter() > started + PHASE_SECONDS:
                break
            for doc in docs[start : start + BATCH]:
                notify(doc["_id"])
            published += await relay.drain()
        log.recording = False
        return time.perf_counter() - started, published
    finally:
        await broker.stop()


async def store_floor(
    client: AsyncMongoClient[Document], docs: list[Document], commands: list[tuple[str, int]]
) -> float:
    """Seconds for the relay's store commands replayed raw, each touching documents by `_id`."""
    aggregates, small = client[DATABASE]["floor_aggregates"], client[DATABASE]["floor_small"]
    for start in range(0, len(docs), 500):
        await aggregates.insert_many(docs[start : start + 500])
    ids, held = [doc["_id"] for doc in docs], []
    cursor = 0

    def next_ids(count: int) -> list[str]:
        nonlocal cursor
        picked = [ids[(cursor + i) % len(ids)] for i in range(count)]
        cursor += count
        return picked

    started = time.perf_counter()
    for name, count in commands:
        if name == "find":
            await aggregates.find_one({"_id": next_ids(1)[0]}, {"outbox": 1, "outbox_pending": 1})
        elif name == "insert":
            fresh = [uuid4().hex for _ in range(count)]
            await small.bulk_write([InsertOne({"_id": i, "lease": True}) for i in fresh])
            held.extend(fresh)
        elif name == "update":
            await aggregates.bulk_write(
                [UpdateOne({"_id": i}, {"$inc": {"n": 1}}) for i in next_ids(count)]
            )
        elif name == "delete":
            gone, held[:] = held[:count], held[count:]
            await small.bulk_write([DeleteOne({"_id": i}) for i in gone or ["none"]])
    return time.perf_counter() - started


async def run(ctx: BenchContext) -> list[Row]:
    n = 300 if ctx.quick else 2_000
    bootstrap = ctx.stack.kafka.bootstrap
    topic = f"bench_relay_{uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    log = StoreCommands()
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        ctx.stack.mongo.url, tz_aware=True, maxPoolSize=1, event_listeners=[log]
    )
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
        await client.drop_database(DATABASE)
        docs = entries_for(n, topic)
        ctx.progress(f"relay: raw aiokafka, {n} records pipelined")
        raw_s, raw_failed = await raw_send(bootstrap, docs)
        ctx.progress(f"relay: OutboxRelay draining {n} hinted documents")
        relay_s, published = await relay_drain(ctx, client, docs, log)
        commands = list(log.seen)
        ctx.progress(f"relay: store floor, {len(commands)} commands replayed raw")
        store_s = await store_floor(client, docs, commands)
        return Measured(n, raw_s, raw_failed, relay_s, published, store_s, commands).rows()
    except Exception as exc:  # a broken phase is a result, not an abort
        note = f"{type(exc).__name__}: {exc}"[:300]
        return [Row(SECTION, "relay events/s", None, "events/s", note=note)]
    finally:
        await cleanup(client, admin, topic)


async def cleanup(
    client: AsyncMongoClient[Document], admin: AIOKafkaAdminClient, topic: str
) -> None:
    """Drop what the section made, each step bounded: a stuck store must not hang the run."""
    steps = (client.drop_database(DATABASE), client.close(), admin.delete_topics([topic]))
    for step in steps:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(step, CLEANUP_SECONDS)
    await admin.close()


@dataclass
class Measured:
    """One run's timings (seconds) and counts."""

    n: int
    raw_s: float
    raw_failed: int
    relay_s: float
    published: int
    store_s: float
    """The relay's store commands replayed raw (they served `published` events, not `n`)."""
    commands: list[tuple[str, int]]

    def rows(self) -> list[Row]:
        relay_rate = self.published / self.relay_s
        raw_rate = (self.n - self.raw_failed) / self.raw_s
        kafka_s = self.published / raw_rate if raw_rate else 0.0  # raw Kafka for as many events
        floor_rate = self.published / (kafka_s + self.store_s) if self.published else None
        store_share = self.store_s / (kafka_s + self.store_s) if self.published else 0.0
        unfinished = ""
        if self.published < self.n:
            unfinished = (
                f"; {self.published} of {self.n} published in the {PHASE_SECONDS:.0f} s budget"
            )
        kinds = sorted({name for name, _ in self.commands})
        counted = ", ".join(f"{k} {sum(1 for c, _ in self.commands if c == k)}" for k in kinds)
        return [
            at_least(
                SECTION,
                "relay events/s (hinted, one event per document)",
                relay_rate,
                "events/s",
                raw_rate,
                "raw aiokafka, same N, pipelined",
                RELAY_SHARE,
                f"raw sends failed: {self.raw_failed}{unfinished}",
            ),
            Row(
                SECTION,
                "relay events/s vs store floor",
                relay_rate,
                "events/s",
                floor_rate,
                "raw aiokafka + the relay's store commands as raw {_id} PyMongo",
                note=f"the store is {store_share:.0%} of the floor's time: every published "
                "document costs at least one FerretDB write, ~1 ms, against ~30 µs a record",
            ),
            Row(
                SECTION,
                "relay store round trips per event",
                len(self.commands) / max(self.published, 1),
                "round trips",
                note=f"{counted}; before the lease collection: 2 per document, each a full scan",
            ),
        ]
