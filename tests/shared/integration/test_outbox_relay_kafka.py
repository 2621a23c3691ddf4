"""The relay's publishing: real Kafka order per aggregate, acked prefixes, `{_id}`-only reads.

The store commands are counted, not timed: on FerretDB every filter but an exact `{_id}` reads
the whole collection, so the relay's hot path must send the aggregate collection nothing else.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from devstack.stack import Stack
from faststream.kafka import KafkaBroker
from lumbung_shared.kafka import outbox_publisher
from lumbung_shared.outbox import OutboxRelay, outbox_fields
from pymongo import AsyncMongoClient, monitoring

from tests.shared.integration.relay_doubles import (
    Collection,
    Recorder,
    leases_of,
    released,
    reserved,
)
from tests.support.topics import own_topic

AGGREGATES, EVENTS_EACH = 30, 4


@pytest.fixture
async def producer(stack: Stack) -> AsyncIterator[KafkaBroker]:
    """A broker with the services' producer settings (see `make_broker`)."""
    broker = KafkaBroker(stack.kafka.bootstrap, enable_idempotence=True, acks="all")
    await broker.start()
    try:
        yield broker
    finally:
        await broker.stop()


async def read_all(stack: Stack, topic: str, count: int, within: float = 30.0) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=stack.kafka.bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        records: list[Any] = []
        deadline = time.monotonic() + within
        while len(records) < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            records.extend(r for part in batch.values() for r in part)
        return records
    finally:
        await consumer.stop()


class TestOnRealKafka:
    async def test_every_event_arrives_in_its_aggregates_outbox_order_and_leaves_the_outbox(
        self, stack: Stack, collection: Collection, producer: KafkaBroker
    ) -> None:
        async with own_topic(stack, "relay", partitions=2) as topic:
            written: dict[str, list[str]] = {}
            for n in range(AGGREGATES):
                order_id = f"o-{n}"
                events = [(reserved if i % 2 else released)(order_id) for i in range(EVENTS_EACH)]
                entries = [{**event.to_outbox(), "topic": topic} for event in events]
                await collection.insert_one({"_id": order_id, **outbox_fields(*events)})
                await collection.update_one({"_id": order_id}, {"$set": {"outbox": entries}})
                written[order_id] = [e["event_id"] for e in entries]
            relay = OutboxRelay([], outbox_publisher(producer), full_scan_seconds=3600)
            notify = relay.watch(collection)
            for order_id in written:
                notify(order_id)

            assert await relay.drain() == AGGREGATES * EVENTS_EACH

            records = await read_all(stack, topic, AGGREGATES * EVENTS_EACH)
        arrived: dict[str, list[str]] = defaultdict(list)
        for record in records:
            arrived[record.key.decode()].append(dict(record.headers)["event-id"].decode())
        assert arrived == written
        assert {dict(record.headers)["content-type"] for record in records} == {b"application/json"}
        async for doc in collection.find({}):
            assert (doc["outbox"], doc["outbox_pending"]) == ([], 0)
        assert await leases_of(collection) == []


class TestPartialFailure:
    async def test_only_the_acked_start_of_an_outbox_is_removed(
        self, collection: Collection
    ) -> None:
        events = [reserved("o-p"), released("o-p"), reserved("o-p")]
        await collection.insert_one({"_id": "o-p", **outbox_fields(*events)})

        class SecondAckFails(Recorder):
            async def __call__(self, entry: dict[str, Any]) -> Awaitable[object]:
                ack = await super().__call__(entry)
                if len(self.published) != 2:
                    return ack
                failed = asyncio.get_running_loop().create_future()
                failed.set_exception(ConnectionError("not acked"))
                return failed

        with pytest.raises(ConnectionError):
            await OutboxRelay([collection], SecondAckFails()).drain()

        ids = [str(e.event_id) for e in events]
        doc = await collection.find_one({"_id": "o-p"})
        assert doc is not None  # the third was acked, but follows an unacked one: it stays
        assert ([e["event_id"] for e in doc["outbox"]], doc["outbox_pending"]) == (ids[1:], 2)
        recorder = Recorder()
        assert await OutboxRelay([collection], recorder).drain() == 2
        assert recorder.published == ids[1:]

    async def test_a_refused_hand_over_stops_the_batch_and_keeps_what_was_not_acked(
        self, collection: Collection
    ) -> None:
        class BufferFullOnSecond(Recorder):
            async def __call__(self, entry: dict[str, Any]) -> Awaitable[object]:
                if self.published:
                    raise TimeoutError("producer buffer full")
                return await super().__call__(entry)

        relay = OutboxRelay([], BufferFullOnSecond(), full_scan_seconds=3600)
        notify = relay.watch(collection)
        await relay.drain()  # the start-up scan, done before the writes
        await collection.insert_one({"_id": "o-a", **outbox_fields(reserved("o-a"))})
        await collection.insert_one({"_id": "o-b", **outbox_fields(reserved("o-b"))})
        notify("o-a")
        notify("o-b")

        with pytest.raises(TimeoutError):
            await relay.drain()

        left = {doc["_id"]: len(doc["outbox"]) async for doc in collection.find({})}
        assert sorted(left.values()) == [0, 1]
        assert await leases_of(collection) == []


class CommandLog(monitoring.CommandListener):
    def __init__(self) -> None:
        self.filters: list[tuple[str, str, dict[str, Any]]] = []
        self.commands: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name, command = event.command_name, event.command
        self.commands.append(name)
        filters = {"find": [command.get("filter")], "findAndModify": [command.get("query")]}
        statements = command.get("updates", []) + command.get("deletes", [])
        for query in filters.get(name, [s["q"] for s in statements]):
            self.filters.append((name, str(command.get(name)), query or {}))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


class TestStoreCommands:
    async def test_hinted_documents_are_read_and_written_by_id_alone(
        self, stack: Stack, collection: Collection
    ) -> None:
        log = CommandLog()
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            stack.mongo.url, tz_aware=True, maxPoolSize=1, event_listeners=[log]
        )
        try:
            watched = client[collection.database.name][collection.name]
            relay = OutboxRelay([], Recorder(), full_scan_seconds=3600)
            notify = relay.watch(watched)
            await relay.drain()
            for n in range(10):
                await collection.insert_one(
                    {"_id": f"o-{n}", **outbox_fields(reserved(f"o-{n}"), released(f"o-{n}"))}
                )
                notify(f"o-{n}")
            log.filters.clear()
            log.commands.clear()

            assert await relay.drain() == 20
            commands = list(log.commands)  # before closing the client says endSessions
        finally:
            await client.close()

        on_aggregates = [(cmd, q) for cmd, coll, q in log.filters if coll == collection.name]
        assert on_aggregates
        assert all(list(q) == ["_id"] and isinstance(q["_id"], str) for _, q in on_aggregates)
        # one batch: the leases' insert, a read per document, one removal, one lease release
        assert commands == ["insert", *["find"] * 10, "update", "delete"]
