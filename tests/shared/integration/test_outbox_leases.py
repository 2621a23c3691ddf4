"""Outbox leases on the real store: taken by insert, held, taken over once, taken back, swept."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

from lumbung_shared.outbox import OutboxRelay, outbox_fields
from lumbung_shared.outbox_leases import LEASES, OutboxLeases, lease_id

from tests.shared.integration.relay_doubles import Collection, Recorder, leases_of, reserved

IN_30_S = timedelta(seconds=30)


async def lease(
    collection: Collection, doc_id: str, *, owner: str, instance: str, until: datetime
) -> None:
    """A lease another relay holds (or held) on `doc_id`."""
    await collection.database[LEASES].insert_one(
        {"_id": lease_id(collection, doc_id), "owner": owner, "instance": instance, "until": until}
    )


class TestTakingALease:
    async def test_is_one_document_per_aggregate_inserted_beside_the_collection(
        self, collection: Collection
    ) -> None:
        leases = OutboxLeases("life-1", "orders@host-a", IN_30_S)

        assert await leases.take(collection, ["o-1", "o-2"]) == ["o-1", "o-2"]

        held = {doc["_id"]: doc for doc in await leases_of(collection)}
        assert sorted(held) == ["reservations:o-1", "reservations:o-2"]
        assert {(d["owner"], d["instance"]) for d in held.values()} == {("life-1", "orders@host-a")}
        assert all(d["until"] > datetime.now(UTC) + timedelta(seconds=20) for d in held.values())

    async def test_a_live_lease_of_another_instance_is_not_taken(
        self, collection: Collection
    ) -> None:
        await collection.insert_one({"_id": "o-o", **outbox_fields(reserved("o-o"))})
        first = OutboxRelay([collection], Recorder(), instance="orders@host-a")
        assert await first.leases.take(collection, ["o-o"]) == ["o-o"]

        recorder = Recorder()
        assert await OutboxRelay([collection], recorder, instance="orders@host-b").drain() == 0

        assert recorder.published == []
        [held] = await leases_of(collection)
        assert held["owner"] == first.leases.owner

    async def test_an_expired_lease_is_taken_over_by_exactly_one_of_two_racing_relays(
        self, collection: Collection
    ) -> None:
        for n in range(20):
            expired = datetime.now(UTC) - timedelta(seconds=1)
            await lease(collection, f"o-{n}", owner="dead", instance="orders@gone", until=expired)
        left = OutboxLeases("left", "orders@host-a", IN_30_S)
        right = OutboxLeases("right", "orders@host-b", IN_30_S)
        ids = [f"o-{n}" for n in range(20)]

        won_left, won_right = await asyncio.gather(
            left.take(collection, ids), right.take(collection, list(reversed(ids)))
        )

        assert sorted(won_left + won_right) == sorted(ids)
        assert not set(won_left) & set(won_right)
        owners = {doc["_id"]: doc["owner"] for doc in await leases_of(collection)}
        assert owners == {lease_id(collection, i): "left" for i in won_left} | {
            lease_id(collection, i): "right" for i in won_right
        }

    async def test_a_restarted_instance_takes_back_its_previous_lives_leases_at_once(
        self, collection: Collection
    ) -> None:
        event = reserved("o-r")
        await collection.insert_one({"_id": "o-r", **outbox_fields(event)})
        dead = OutboxRelay([collection], Recorder(), instance="orders@host-a")
        assert await dead.leases.take(collection, ["o-r"]) == ["o-r"]  # then SIGKILL

        recorder = Recorder()
        restarted = OutboxRelay([collection], recorder, instance="orders@host-a")
        assert await restarted.drain() == 1  # the start-up scan, 30 s before the lease ends

        assert recorder.published == [str(event.event_id)]
        assert await leases_of(collection) == []


class TestReleasingALease:
    async def test_a_relay_that_lost_its_lease_leaves_the_outbox_and_the_lease_to_the_new_holder(
        self, collection: Collection
    ) -> None:
        """The relay's pass outlived its lease and another relay took the document over."""
        event = reserved("o-l")
        await collection.insert_one({"_id": "o-l", **outbox_fields(event)})

        class LeaseLost(Recorder):
            async def __call__(self, entry: dict[str, Any]) -> Awaitable[object]:
                await collection.database[LEASES].update_one(
                    {"_id": lease_id(collection, "o-l")},
                    {"$set": {"owner": "other", "instance": "relay-2"}},
                )
                return await super().__call__(entry)

        # A lease of a microsecond: the pass always outlives half of it, however fast the
        # store answers, so it checks its lease before removing (0.01 s raced a fast run).
        relay = OutboxRelay([collection], LeaseLost(), lease_seconds=1e-6)
        await relay.drain()

        [held] = await leases_of(collection)
        assert held["owner"] == "other"
        doc = await collection.find_one({"_id": "o-l"})
        assert doc is not None  # the new holder publishes it again and removes it
        assert ([e["event_id"] for e in doc["outbox"]], doc["outbox_pending"]) == (
            [str(event.event_id)],
            1,
        )

    async def test_a_pass_that_ran_long_but_kept_its_lease_removes_what_it_published(
        self, collection: Collection
    ) -> None:
        await collection.insert_one({"_id": "o-s", **outbox_fields(reserved("o-s"))})

        assert (
            await OutboxRelay([collection], Recorder(delay=0.05), lease_seconds=0.05).drain() == 1
        )

        doc = await collection.find_one({"_id": "o-s"})
        assert doc is not None
        assert (doc["outbox"], doc["outbox_pending"]) == ([], 0)
        assert await leases_of(collection) == []

    async def test_the_full_scan_sweeps_expired_leases_of_dead_relays(
        self, collection: Collection
    ) -> None:
        gone = datetime.now(UTC) - timedelta(seconds=1)
        await lease(collection, "o-x", owner="dead", instance="orders@gone", until=gone)
        await lease(
            collection, "o-y", owner="live", instance="orders@b", until=datetime.now(UTC) + IN_30_S
        )

        await OutboxRelay([collection], Recorder()).drain()

        assert [doc["_id"] for doc in await leases_of(collection)] == [lease_id(collection, "o-y")]
