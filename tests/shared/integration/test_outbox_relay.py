"""The outbox relay on the real Mongo-wire store (FerretDB): order, removal, leases, drift."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from devstack.stack import Stack
from lumbung_shared.events import new_event
from lumbung_shared.events.stock import StockLine, StockReleased, StockReserved
from lumbung_shared.outbox import OutboxRelay, outbox_fields, outbox_push
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

Collection = AsyncCollection[dict[str, Any]]


@pytest.fixture
async def collection(stack: Stack) -> AsyncIterator[Collection]:
    # One connection, as services run on FerretDB (atomic per connection only; see
    # lumbung_shared.mongo). On MongoDB the lease holds with any pool size.
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        stack.mongo.url, tz_aware=True, maxPoolSize=1
    )
    try:
        yield client["outbox_tests"][f"reservations_{uuid4().hex[:8]}"]
    finally:
        await client.close()


def reserved(order_id: str) -> Any:
    line = StockLine(listing_id="l-1", quantity=1, remaining=0)
    return new_event(
        StockReserved(order_id=order_id, lines=[line]),
        producer="test",
        correlation_id="c",
        key=order_id,
    )


def released(order_id: str) -> Any:
    line = StockLine(listing_id="l-1", quantity=1, remaining=1)
    return new_event(
        StockReleased(order_id=order_id, lines=[line]),
        producer="test",
        correlation_id="c",
        key=order_id,
    )


class Recorder:
    def __init__(self, delay: float = 0.0) -> None:
        self.published: list[str] = []
        self.delay = delay

    async def __call__(self, entry: dict[str, Any]) -> None:
        await asyncio.sleep(self.delay)
        self.published.append(entry["event_id"])


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
        assert "outbox_lease_until" not in doc

    async def test_a_failed_publish_leaves_the_event_for_the_next_pass(
        self, collection: Collection
    ) -> None:
        event = reserved("o-2")
        await collection.insert_one({"_id": "o-2", **outbox_fields(event)})

        async def broker_down(entry: dict[str, Any]) -> None:
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
            async def __call__(self, entry: dict[str, Any]) -> None:
                await super().__call__(entry)
                if len(self.published) == 1:  # a state change lands while the relay works
                    await collection.update_one({"_id": "o-1"}, outbox_push(written_meanwhile))

        recorder = WriterInTheMiddle()
        relay = OutboxRelay([collection], recorder)

        assert await relay.drain() == 2
        doc = await collection.find_one({"_id": "o-1"})
        assert doc is not None
        assert [e["event_id"] for e in doc["outbox"]] == [str(written_meanwhile.event_id)]
        assert doc["outbox_pending"] == 1
        assert "outbox_lease_until" not in doc

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
        assert "outbox_lease_until" not in doc


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


class TestLeaseOwner:
    async def test_a_relay_releases_only_its_own_lease(self, collection: Collection) -> None:
        """The first relay's lease ran out mid-publish and a second relay took the document."""
        await collection.insert_one({"_id": "o-l", **outbox_fields(reserved("o-l"))})
        second_owner = {"until": datetime.now(UTC) + timedelta(seconds=30), "owner": "other"}

        class LeaseLost(Recorder):
            async def __call__(self, entry: dict[str, Any]) -> None:
                await collection.update_one(
                    {"_id": "o-l"},
                    {"$set": {"outbox_lease_until": {**second_owner, "instance": "relay-2"}}},
                )
                await super().__call__(entry)

        await OutboxRelay([collection], LeaseLost(), lease_seconds=0.01).drain()

        doc = await collection.find_one({"_id": "o-l"})
        assert doc is not None
        assert doc["outbox_lease_until"]["owner"] == "other"

    async def test_a_live_lease_of_another_instance_is_not_taken(
        self, collection: Collection
    ) -> None:
        await collection.insert_one({"_id": "o-o", **outbox_fields(reserved("o-o"))})
        first = OutboxRelay([collection], Recorder(), instance="orders@host-a")
        claimed = await first._claim(collection, {"_id": "o-o"})
        assert claimed is not None

        recorder = Recorder()
        assert await OutboxRelay([collection], recorder, instance="orders@host-b").drain() == 0
        assert recorder.published == []

    async def test_a_restarted_instance_takes_back_its_previous_lives_leases_at_once(
        self, collection: Collection
    ) -> None:
        event = reserved("o-r")
        await collection.insert_one({"_id": "o-r", **outbox_fields(event)})
        dead = OutboxRelay([collection], Recorder(), instance="orders@host-a")
        assert await dead._claim(collection, {"_id": "o-r"}) is not None  # then SIGKILL

        recorder = Recorder()
        restarted = OutboxRelay([collection], recorder, instance="orders@host-a")
        assert await restarted.drain() == 1  # the start-up scan, 30 s before the lease ends
        assert recorder.published == [str(event.event_id)]
        doc = await collection.find_one({"_id": "o-r"})
        assert doc is not None
        assert "outbox_lease_until" not in doc

    async def test_a_bare_date_lease_of_an_older_relay_is_taken_over(
        self, collection: Collection
    ) -> None:
        await collection.insert_one(
            {
                "_id": "o-b",
                **outbox_fields(reserved("o-b")),
                "outbox_lease_until": datetime.now(UTC) - timedelta(seconds=1),
            }
        )
        assert await OutboxRelay([collection], Recorder()).drain() == 1
