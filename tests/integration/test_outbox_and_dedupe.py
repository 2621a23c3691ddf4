"""The foundation's delivery guarantees on the real stack.

- An event written to the outbox survives the death of its producer before publishing.
- The same event delivered twice changes the consumer's read model once.
- A poison message goes to the dead-letter topic with its reason; the consumer keeps going.
"""

from __future__ import annotations

from typing import Any

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic
from lumbung_shared.events.listings import ListingUpdated

from tests.integration.test_listing_reaches_orders import SHALLOTS, snapshot_in_orders
from tests.support.clients import bearer
from tests.support.kafka import event, publish, publish_raw, tap
from tests.support.mongo import database
from tests.support.polling import eventually


class TestOutboxSurvivesACrash:
    async def test_listing_written_before_a_crash_is_published_after_restart(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        # Run listings without its relay, so the write happens and the publish cannot.
        stack.stop_service("listings")
        stack.service_env["listings"] = {"LISTINGS_OUTBOX_RELAY_ENABLED": "false"}
        stack.start_service("listings")
        created = await gateway.post("/v1/listings", json=SHALLOTS, headers=bearer(stack, "farmer"))
        assert created.status_code == 201
        listing_id = created.json()["id"]
        async with database(stack, "listings") as db:
            stored = await db.listings.find_one({"_id": listing_id})
        assert stored is not None
        assert [e["type"] for e in stored["outbox"]] == ["listing.created"]

        # Kill it hard: no shutdown hooks, nothing flushed.
        assert stack.process("listings").pid() is not None
        stack.process("listings").kill()
        stack.service_env["listings"] = {}
        stack.start_service("listings")

        buyer = bearer(stack, "buyer")
        snapshot = await eventually(lambda: snapshot_in_orders(gateway, buyer, listing_id))
        assert snapshot["title"] == SHALLOTS["title"]

        async def drained_outbox() -> dict[str, Any] | None:
            async with database(stack, "listings") as db:
                doc = await db.listings.find_one({"_id": listing_id})
            return doc if doc is not None and doc["outbox"] == [] else None

        published = await eventually(drained_outbox)
        assert published["outbox_pending"] == 0


class TestDuplicateEvents:
    async def test_the_same_event_twice_changes_the_read_model_once(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        created = await gateway.post("/v1/listings", json=SHALLOTS, headers=bearer(stack, "farmer"))
        listing = created.json()
        buyer = bearer(stack, "buyer")
        await eventually(lambda: snapshot_in_orders(gateway, buyer, listing["id"]))

        update = event(
            ListingUpdated(
                **{**listing, "listing_id": listing["id"], "price_per_unit": 30000, "version": 2}
            ),
            key=listing["id"],
        )
        await publish(stack, update)
        await publish(stack, update)
        # A different event carrying the same version must not apply either.
        stale = event(
            ListingUpdated(
                **{**listing, "listing_id": listing["id"], "price_per_unit": 1, "version": 2}
            ),
            key=listing["id"],
        )
        await publish(stack, stale)

        async def price_changed() -> int | None:
            snap = await snapshot_in_orders(gateway, buyer, listing["id"])
            return snap["price_per_unit"] if snap and snap["version"] == 2 else None

        assert await eventually(price_changed) == 30000
        async with database(stack, "orders") as db:
            marks = await db.processed_events.count_documents(
                {"_id": f"orders.listing-snapshots:{update.event_id}"}
            )
        assert marks == 1
        snap = await snapshot_in_orders(gateway, buyer, listing["id"])
        assert snap is not None
        assert snap["price_per_unit"] == 30000


class TestPoisonMessages:
    async def test_undecodable_event_is_dead_lettered_and_the_consumer_goes_on(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        async with tap(stack, Topic.DEAD_LETTER) as dead_letters:
            await publish_raw(stack, Topic.LISTING_EVENTS, b"{not json", key=b"poison")
            # Every group reading the topic dead-letters it on its own; this test follows orders'.
            record = await dead_letters.wait_for(
                lambda r: (
                    not hasattr(r, "event_id")
                    and r.key == b"poison"
                    and dict(r.headers).get("dlq-consumer-group") == b"orders.listing-snapshots"
                )
            )
        headers = dict(record.headers)
        assert b"not a Lumbung event envelope" in headers["dlq-reason"]
        assert headers["dlq-source-topic"] == Topic.LISTING_EVENTS.value.encode()

        created = await gateway.post("/v1/listings", json=SHALLOTS, headers=bearer(stack, "farmer"))
        buyer = bearer(stack, "buyer")
        await eventually(lambda: snapshot_in_orders(gateway, buyer, created.json()["id"]))
