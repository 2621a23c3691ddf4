"""The outbox relay on the real Mongo-wire store (FerretDB): order, removal, drift, old leases.

Leases: test_outbox_leases.py; real Kafka, acks and store commands: test_outbox_relay_kafka.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lumbung_shared.outbox import OutboxRelay, outbox_fields, outbox_push

from tests.shared.integration.relay_doubles import (
    Collection,
    Recorder,
    leases_of,
    released,
    reserved,
)


class TestOutboxRelay:
    async def test_publishes_each_documents_events_in_order_and_removes_them(
        self, collection: Collection
    ) -> None:
        first, second = reserved("o-1"), released("o-1")
        await collection.insert_one({"_id": "o-1", **outbox_fields(first)})
        await collection.update_one({"_id": "o-1"}, outbox_push(second))
        recorder = Recorder()

        published = await OutboxRelay([collection], recorder).drain()

        assert published == 2
        assert recorder.published == [str(first.event_id), str(second.event_id)]
        doc = await collection.find_one({"_id": "o-1"})
        assert doc is not None
        assert (doc["outbox"], doc["outbox_pending"]) == ([], 0)
        assert await leases_of(collection) == []

    async def test_a_failed_publish_leaves_the_event_for_the_next_pass(
        self, collection: Collection
    ) -> None:
        event = reserved("o-2")
        await collection.insert_one({"_id": "o-2", **outbox_fields(event)})

        async def broker_down(entry: dict[str, Any]) -> Awaitable[object]:
            raise ConnectionError("broker away")

        with pytest.raises(ConnectionError):
            await OutboxRelay([collection], broker_down).drain()
        recorder = Recorder()
        assert await OutboxRelay([collection], recorder).drain() == 1
        assert recorder.published == [str(event.event_id)]

    async def test_a_hinted_document_is_published_without_waiting_for_a_full_scan(
        self, collection: Collection
    ) -> None:
        hinted, unhinted = reserved("o-h"), reserved("o-u")
        await collection.insert_one({"_id": "o-h", **outbox_fields(hinted)})
        await collection.insert_one({"_id": "o-u", **outbox_fields(unhinted)})
        recorder = Recorder()
        relay = OutboxRelay([], recorder, full_scan_seconds=3600)
        notify = relay.watch(collection)
        await relay.drain()  # the start-up scan publishes both
        assert sorted(recorder.published) == sorted([str(hinted.event_id), str(unhinted.event_id)])

        later_hinted, later_unhinted = released("o-h"), released("o-u")
        await collection.update_one({"_id": "o-h"}, outbox_push(later_hinted))
        await collection.update_one({"_id": "o-u"}, outbox_push(later_unhinted))
        notify("o-h")
        assert await relay.drain() == 1
        assert recorder.published[-1] == str(later_hinted.event_id)

    async def test_two_relays_never_publish_the_same_outbox_at_once(
        self, collection: Collection
    ) -> None:
        for n in range(10):
            await collection.insert_one({"_id": f"o-{n}", **outbox_fields(reserved(f"o-{n}"))})
        left, right = Recorder(delay=0.01), Recorder(delay=0.01)

        await asyncio.gather(
            OutboxRelay([collection], left).drain(), OutboxRelay([collection], right).drain()
        )

        assert sorted(left.published + right.published) == sorted(
            set(left.published + right.published)
        )
        assert len(left.published) + len(right.published) == 10


class TestEventsWrittenWhileTheRelayPublishes:
    async def test_are_kept_and_published_on_the_next_pass(self, collection: Collection) -> None:
        first, second, written_meanwhile = reserved("o-1"), released("o-1"), reserved("o-1b")
        await collection.insert_one({"_id": "o-1", **outbox_fields(first, second)})

        class WriterInTheMiddle(Recorder):
            async def __call__(self, entry: dict[str, Any]) -> Awaitable[object]:
                ack = await super().__call__(entry)
                if len(self.published) == 1:  # a state change lands while the relay works
                    await collection.update_one({"_id": "o-1"}, outbox_push(written_meanwhile))
                return ack

        recorder = WriterInTheMiddle()
        relay = OutboxRelay([collection], recorder)

        assert await relay.drain() == 2
        doc = await collection.find_one({"_id": "o-1"})
        assert doc is not None
        assert [e["event_id"] for e in doc["outbox"]] == [str(written_meanwhile.event_id)]
        assert doc["outbox_pending"] == 1
        assert await leases_of(collection) == []

        relay.watch(collection)("o-1")
        assert await relay.drain() == 1
        assert recorder.published == [
            str(first.event_id),
            str(second.event_id),
            str(written_meanwhile.event_id),
        ]
        doc = await collection.find_one({"_id": "o-1"})
        assert doc is not None
        assert (doc["outbox"], doc["outbox_pending"]) == ([], 0)

    async def test_a_quiet_document_is_emptied_and_released(self, collection: Collection) -> None:
        events = [reserved("o-2"), released("o-2"), reserved("o-2b")]
        await collection.insert_one({"_id": "o-2", "state": "reserved", **outbox_fields(*events)})

        assert await OutboxRelay([collection], Recorder()).drain() == 3

        doc = await collection.find_one({"_id": "o-2"})
        assert doc is not None
        assert (doc["outbox"], doc["outbox_pending"], doc["state"]) == ([], 0, "reserved")
        assert await leases_of(collection) == []


class TestCounterDrift:
    async def test_a_counter_above_the_outbox_is_healed_and_not_claimed_for_ever(
        self, collection: Collection
    ) -> None:
        event = reserved("o-d")
        await collection.insert_one({"_id": "o-d", **outbox_fields(event)})
        await collection.update_one({"_id": "o-d"}, {"$inc": {"outbox_pending": 3}})
        await collection.insert_one({"_id": "o-empty", "outbox": [], "outbox_pending": 2})
        recorder = Recorder()

        published = await asyncio.wait_for(OutboxRelay([collection], recorder).drain(), 10)

        assert published == 1
        assert recorder.published == [str(event.event_id)]
        for doc_id in ("o-d", "o-empty"):
            doc = await collection.find_one({"_id": doc_id})
            assert doc is not None
            assert (doc["outbox"], doc["outbox_pending"]) == ([], 0)
        assert await OutboxRelay([collection], Recorder()).drain() == 0


class TestLeasesOfOlderRelays:
    """Relays before `outbox_leases` kept their lease on the document (a date or a sub-document)."""

    async def test_a_lease_left_on_the_document_neither_blocks_nor_stays(
        self, collection: Collection
    ) -> None:
        old_lease = {"until": datetime.now(UTC) + timedelta(seconds=30), "owner": "old"}
        await collection.insert_one(
            {"_id": "o-b", **outbox_fields(reserved("o-b")), "outbox_lease_until": old_lease}
        )
        await collection.insert_one(
            {
                "_id": "o-c",
                **outbox_fields(reserved("o-c")),
                "outbox_lease_until": datetime.now(UTC) - timedelta(seconds=1),
            }
        )

        assert await OutboxRelay([collection], Recorder()).drain() == 2

        async for doc in collection.find({}):
            assert (doc["outbox"], doc["outbox_pending"]) == ([], 0)
            assert "outbox_lease_until" not in doc
