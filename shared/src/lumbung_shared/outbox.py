"""The transactional outbox, kept inside the aggregate's own document.

FerretDB (and a standalone MongoDB) has no multi-document transactions, so a state change and
the events it causes are written in the same single-document update: `outbox_push` adds the
events, and the relay publishes them afterwards and pulls them out one by one. A crash between
the write and the publish loses nothing: the next relay pass (on restart) finds them still there.
Publishing may repeat after a crash; consumers de-duplicate by event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_shared.events.envelope import Envelope

log = logging.getLogger(__name__)

OUTBOX = "outbox"
PENDING = "outbox_pending"
LEASE = "outbox_lease_until"
"""The lease, a sub-document {until, owner, instance}, under the field name it had as a bare date,
so every service's projection already hides it."""
MAX_BACKOFF_SECONDS = 10.0

Notify = Callable[[Any], None]
"""Tells the relay which document (by `_id`) a writer just gave new outbox events."""

Publish = Callable[[dict[str, Any]], Awaitable[None]]
"""Publishes one outbox entry (topic, key, body, ...) and returns once the broker acked it."""


def outbox_push(*events: Envelope[Any]) -> dict[str, Any]:
    """Update operators that append events to a document's outbox; merge into the state change."""
    return {
        "$push": {OUTBOX: {"$each": [event.to_outbox() for event in events]}},
        "$inc": {PENDING: len(events)},
    }


def with_events(update: dict[str, Any], *events: Envelope[Any]) -> dict[str, Any]:
    """`update` (a state change) with `events` appended to the outbox, as one update.

    Operators are merged field by field (`$set` with `$set`, `$inc` with `$inc`, `$push` with
    `$push`), so the state change and its events are written together or not at all.
    """
    return merge_updates(update, outbox_push(*events)) if events else update


def merge_updates(*updates: dict[str, Any]) -> dict[str, Any]:
    """Combine update documents operator by operator; later fields win within an operator."""
    merged: dict[str, Any] = {}
    for update in updates:
        for operator, fields in update.items():
            merged.setdefault(operator, {}).update(fields)
    return merged


def outbox_fields(*events: Envelope[Any]) -> dict[str, Any]:
    """Fields for a new document (insert) that already carries its first events."""
    return {OUTBOX: [event.to_outbox() for event in events], PENDING: len(events)}


class OutboxRelay:
    """Publishes what aggregates left in their outboxes, in order, then removes it.

    Writers tell the relay which document they just wrote (`watch` returns that callback), and
    the relay claims exactly that document by `_id`. A full scan for pending outboxes runs at
    start-up and then every `full_scan_seconds`, to catch what a crashed process or another
    replica left behind: on FerretDB any filter but `_id` scans the whole collection (measured:
    ~270 ms at 3,000 documents, index or not), too slow for every write.

    Several replicas may run: a short lease on the document keeps two relays from publishing
    the same outbox at once (and a crashed relay's lease simply runs out). The lease names its
    owner (a token for this relay's life) and its `instance`: only the owner releases it, and
    a relay restarted under the same stable instance takes back its previous life's leases at
    once (its start-up scan), instead of waiting them out. Without an instance (tests, tools)
    a relay is its own instance and takes nothing back. A relay drains one document at a time,
    so a lease of its instance found at claim time is never one it is still working on.
    """

    def __init__(
        self,
        collections: Sequence[AsyncCollection[dict[str, Any]]],
        publish: Publish,
        *,
        poll_seconds: float = 0.5,
        lease_seconds: float = 30.0,
        full_scan_seconds: float = 30.0,
        instance: str | None = None,
    ) -> None:
        self._collections = {c.full_name: c for c in collections}
        self._publish = publish
        self._poll_seconds = poll_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._full_scan_seconds = full_scan_seconds
        self._next_full_scan = 0.0
        self._hints: dict[str, set[Any]] = defaultdict(set)
        self._wake = asyncio.Event()
        self._owner = uuid.uuid4().hex
        self._instance = instance or f"relay-{self._owner}"

    def watch(self, collection: AsyncCollection[dict[str, Any]]) -> Notify:
        """Relay this collection's outboxes; call the returned function with a written `_id`."""
        self._collections[collection.full_name] = collection

        def notify(doc_id: Any) -> None:
            self._hints[collection.full_name].add(doc_id)
            self._wake.set()

        return notify

    async def run(self) -> None:
        """Relay forever; a failed pass is logged and retried with backoff, never fatal."""
        failures = 0
        while True:
            try:
                published = await self.drain()
                failures = 0
            except Exception as exc:
                failures += 1
                log.warning("outbox relay pass failed", extra={"error": repr(exc)[:300]})
                await asyncio.sleep(min(MAX_BACKOFF_SECONDS, self._poll_seconds * 2**failures))
                continue
            if published == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)

    async def drain(self) -> int:
        """Publish the hinted outboxes, and every pending one when a full scan is due."""
        total = await self._drain_hints()
        loop = asyncio.get_running_loop()
        if loop.time() >= self._next_full_scan:
            total += await self._drain_all()
            self._next_full_scan = loop.time() + self._full_scan_seconds
        return total

    async def _drain_hints(self) -> int:
        total = 0
        for name in list(self._hints):
            collection, pending = self._collections[name], self._hints[name]
            while pending:
                doc_id = pending.pop()
                try:
                    doc = await self._claim(collection, {"_id": doc_id})
                    if doc is not None:
                        total += await self._publish_document(collection, doc)
                except Exception:
                    pending.add(doc_id)  # keep the hint for the retry
                    raise
        return total

    async def _drain_all(self) -> int:
        """Every pending outbox, each document at most once per pass (new events: next pass)."""
        total = 0
        for collection in list(self._collections.values()):
            done: list[Any] = []
            while (doc := await self._claim(collection, {"_id": {"$nin": done}})) is not None:
                done.append(doc["_id"])
                total += await self._publish_document(collection, doc)
        return total

    async def _claim(
        self, collection: AsyncCollection[dict[str, Any]], where: dict[str, Any]
    ) -> dict[str, Any] | None:
        now = datetime.now(UTC)
        return await collection.find_one_and_update(
            {
                **where,
                PENDING: {"$gt": 0},
                "$or": [
                    # No lease, or a bare date left by an older relay (taken over at once: at
                    # worst one repeated publish during an upgrade, which consumers drop).
                    {f"{LEASE}.until": {"$exists": False}},
                    {f"{LEASE}.until": {"$lt": now}},
                    {f"{LEASE}.instance": self._instance},  # ours, from a previous life
                ],
            },
            {
                "$set": {
                    LEASE: {
                        "until": now + self._lease,
                        "owner": self._owner,
                        "instance": self._instance,
                    }
                }
            },
            return_document=ReturnDocument.AFTER,
        )

    async def _publish_document(
        self, collection: AsyncCollection[dict[str, Any]], doc: dict[str, Any]
    ) -> int:
        entries: list[dict[str, Any]] = doc.get(OUTBOX, [])
        published = 0
        try:
            await self._heal_counter(collection, doc)
            for entry in entries:
                await self._publish(entry)
                published += 1
        finally:
            await self._remove_published(collection, doc["_id"], entries, published)
        return published

    async def _remove_published(
        self,
        collection: AsyncCollection[dict[str, Any]],
        doc_id: Any,
        entries: list[dict[str, Any]],
        published: int,
    ) -> None:
        """Drop the first `published` entries and release our lease, in one write if we can.

        Every write costs FerretDB a full scan, so the common case is a single update: while we
        hold the lease and the count is still what we claimed (healed to the outbox's length),
        nobody has touched the outbox since, and the rest of it can be set outright. A writer
        that added events meanwhile (or a lease that ran out) fails that guard, and the entries
        are then pulled one by one, each guarded by its event id, as before. A crash before
        this write republishes the batch on restart; consumers drop the repeats by event id.
        """
        if published:
            fast = await collection.update_one(
                {"_id": doc_id, f"{LEASE}.owner": self._owner, PENDING: len(entries)},
                {
                    "$set": {OUTBOX: entries[published:]},
                    "$inc": {PENDING: -published},
                    "$unset": {LEASE: ""},
                },
            )
            if fast.matched_count:
                return
            for entry in entries[:published]:
                # Pull the whole entry: FerretDB matches `$pull` conditions by equality only,
                # and a complete element is an equal match on MongoDB too.
                await collection.update_one(
                    {"_id": doc_id, f"{OUTBOX}.event_id": entry["event_id"]},
                    {"$pull": {OUTBOX: entry}, "$inc": {PENDING: -1}},
                )
        # Only our own lease: if ours ran out and another relay holds it now, it stays.
        await collection.update_one(
            {"_id": doc_id, f"{LEASE}.owner": self._owner}, {"$unset": {LEASE: ""}}
        )

    @staticmethod
    async def _heal_counter(
        collection: AsyncCollection[dict[str, Any]], doc: dict[str, Any]
    ) -> None:
        """Bring `outbox_pending` back to the outbox's real length if the two drifted apart.

        By how far they differ in the claimed snapshot, as an `$inc`: a writer's push and its
        `$inc` land together, so a push after the claim keeps counting and is not overwritten.
        """
        drift = int(doc.get(PENDING, 0)) - len(doc.get(OUTBOX, []))
        if drift != 0:
            log.warning(
                "outbox counter drift healed",
                extra={
                    "collection": collection.full_name,
                    "doc_id": str(doc["_id"]),
                    "drift": drift,
                },
            )
            await collection.update_one({"_id": doc["_id"]}, {"$inc": {PENDING: -drift}})
