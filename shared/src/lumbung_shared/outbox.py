"""The transactional outbox, kept inside the aggregate's own document.

FerretDB (and a standalone MongoDB) has no multi-document transactions, so a state change and its
events are one single-document update: `outbox_push` adds the events, the relay publishes them
and pulls out what the broker acked. A crash in between loses nothing: the next relay pass (on
restart) finds them there. Publishing may repeat after a crash; consumers de-duplicate by id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_shared.events.envelope import Envelope
from lumbung_shared.outbox_leases import OutboxLeases

log = logging.getLogger(__name__)

OUTBOX = "outbox"
PENDING = "outbox_pending"
LEASE = "outbox_lease_until"
"""Where relays before `outbox_leases` kept their lease, on the document; unset when seen."""
MAX_BACKOFF_SECONDS = 10.0
BATCH = 100
"""Documents leased, read and published together: their records go out without waiting for
each other's acks, and their removals and lease releases are one write each."""
READ = {OUTBOX: 1, PENDING: 1, LEASE: 1}
UPDATES_PER_WRITE = 20
"""Removals sent in one `update` command. FerretDB 1.24 keeps every statement's query open
until the command ends (`msg_update.go`), and one command of ~100 statements exhausts its
SQLite pool of 100 connections and hangs for good (measured: 64 took 1.5 s, 100 never came
back). Beyond ~20 a statement gets no cheaper."""

Notify = Callable[[Any], None]
"""Tells the relay which document (by `_id`) a writer just gave new outbox events."""

Publish = Callable[[dict[str, Any]], Awaitable[Awaitable[object]]]
"""Hands one outbox entry (topic, key, body, ...) to the producer and returns its ack.

Awaiting the call fixes the record's place in its partition (the relay makes the calls one
after another, in outbox order); awaiting the returned ack waits for the broker to confirm it.
"""


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
    the relay takes exactly those documents. A full scan for pending outboxes (one `find` of
    their ids) runs at start-up and then every `full_scan_seconds`, to catch what a crashed
    process or another replica left behind: on FerretDB any filter but `_id` scans the whole
    collection, too slow for every write.

    A batch of documents is leased (`lumbung_shared.outbox_leases`), read by `_id`, its entries
    handed to the producer one after another without waiting for acks, and once all acks are
    in, each document loses the entries acked in an unbroken run from its start (never one
    after an unacked entry), with one `{_id}`-only update per document, several to a write.

    Why `{_id}` alone is enough, also on MongoDB with several replicas: the lease serialises
    relays per aggregate, so while it lasts nobody else removes these entries, and writers only
    append (each push with its `$inc`); `$pullAll` of the exact entries read and `$inc` by their
    number keep whatever was appended meanwhile. A pass that ran past half its lease first
    renews its leases, with a guard on the owner, and leaves alone the documents it lost; a
    relay paused past its lease can then at worst publish an entry again (consumers drop
    repeats by event id), and one paused between that check and its write could count the
    removal twice: the document's next claim heals that (counter drift, below), though a
    counter brought to 0 hides it from the full scan until its next write hints it.
    Entries of one document are sent in order to the same key's partition, so each aggregate's
    order holds.

    The lease names its owner (this relay's life) and its `instance`: a relay restarted under
    the same stable instance takes back its previous life's leases at once (its start-up scan)
    instead of waiting them out. Without an instance (tests, tools) a relay is its own
    instance. A relay works one batch at a time and releases the batch's leases before the
    next, so a lease of its instance found at claim time is never one it is still working on.
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
        self._lease_seconds = lease_seconds
        self._full_scan_seconds = full_scan_seconds
        self._next_full_scan = 0.0
        self._hints: dict[str, set[Any]] = defaultdict(set)
        self._wake = asyncio.Event()
        owner = uuid.uuid4().hex
        self.leases = OutboxLeases(
            owner, instance or f"relay-{owner}", timedelta(seconds=lease_seconds)
        )

    def watch(self, collection: AsyncCollection[dict[str, Any]]) -> Notify:
        """Relay this collection's outboxes; call the returned function with a written `_id`."""
        self._collections[collection.full_name] = collection

        def notify(doc_id: Any) -> None:
            self._hints[collection.full_name].add(doc_id)
            self._wake.set()

        return notify

    @property
    def collections(self) -> list[AsyncCollection[dict[str, Any]]]:
        """The collections whose outboxes it publishes (the outbox gauges read them)."""
        return list(self._collections.values())

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
                batch = [pending.pop() for _ in range(min(BATCH, len(pending)))]
                try:
                    total += await self._relay(collection, batch)
                except Exception:
                    pending.update(batch)  # keep the hints for the retry
                    raise
        return total

    async def _drain_all(self) -> int:
        """Every pending outbox, each document at most once per pass (new events: next pass)."""
        total = 0
        swept: set[str] = set()
        for collection in list(self._collections.values()):
            if collection.database.name not in swept:
                swept.add(collection.database.name)
                await OutboxLeases.sweep(collection.database)
            pending = collection.find({PENDING: {"$gt": 0}}, {"_id": 1})
            doc_ids = [doc["_id"] async for doc in pending]
            for start in range(0, len(doc_ids), BATCH):
                total += await self._relay(collection, doc_ids[start : start + BATCH])
        return total

    async def _relay(self, collection: AsyncCollection[dict[str, Any]], doc_ids: list[Any]) -> int:
        """Lease, read, publish and remove one batch of documents, then release the leases."""
        leased_at = asyncio.get_running_loop().time()
        leased = await self.leases.take(collection, doc_ids)
        try:
            docs = []
            for doc_id in leased:  # `{_id}` alone: the one read FerretDB does not scan for
                if (doc := await collection.find_one({"_id": doc_id}, READ)) is not None:
                    docs.append(doc)
            acked, error = await self._publish_in_order(docs)
            await self._remove_published(collection, docs, acked, leased_at)
        finally:
            await self.leases.release(collection, leased)
        if error is not None:
            raise error
        return sum(acked)

    async def _publish_in_order(
        self, docs: list[dict[str, Any]]
    ) -> tuple[list[int], Exception | None]:
        """Send every entry of `docs` in order, then await the acks: per document, how many
        entries from its start were acked, and the first failure (nothing sent after it)."""
        acks: list[list[Awaitable[object]]] = []
        error: Exception | None = None
        for doc in docs:
            acks.append([])
            for entry in doc.get(OUTBOX, []):
                try:
                    acks[-1].append(await self._publish(entry))
                except Exception as exc:
                    error = exc
                    break
            if error is not None:
                break
        outcomes = iter(
            await asyncio.gather(*(a for sent in acks for a in sent), return_exceptions=True)
        )
        acked = []
        for sent in acks:
            results = [next(outcomes) for _ in sent]
            unacked = [n for n, r in enumerate(results) if isinstance(r, BaseException)]
            acked.append(unacked[0] if unacked else len(results))
            if unacked and error is None and isinstance(first := results[unacked[0]], Exception):
                error = first
        return acked + [0] * (len(docs) - len(acked)), error

    async def _remove_published(
        self,
        collection: AsyncCollection[dict[str, Any]],
        docs: list[dict[str, Any]],
        acked: list[int],
        leased_at: float,
    ) -> None:
        """Pull each document's acked entries and heal its counter: one `{_id}` update each."""
        updates: dict[Any, UpdateOne] = {}
        for doc, published in zip(docs, acked, strict=True):
            entries = doc.get(OUTBOX, [])
            drift = self._drift(collection, doc)
            change: dict[str, Any] = {"$inc": {PENDING: -(published + drift)}}
            if published:
                change["$pullAll"] = {OUTBOX: entries[:published]}
            if LEASE in doc:
                change["$unset"] = {LEASE: ""}
            if published or drift or LEASE in doc:
                updates[doc["_id"]] = UpdateOne({"_id": doc["_id"]}, change)
        late = asyncio.get_running_loop().time() - leased_at > self._lease_seconds / 2
        if updates and late:
            ours = await self.leases.renew(collection, list(updates))
            updates = {doc_id: update for doc_id, update in updates.items() if doc_id in ours}
        writes = list(updates.values())
        for start in range(0, len(writes), UPDATES_PER_WRITE):
            await collection.bulk_write(writes[start : start + UPDATES_PER_WRITE], ordered=False)

    @staticmethod
    def _drift(collection: AsyncCollection[dict[str, Any]], doc: dict[str, Any]) -> int:
        """How far `outbox_pending` is from the outbox's real length in the snapshot read.

        Healed as an `$inc`: a writer's push and its `$inc` land together, so a push after the
        read keeps counting and is not overwritten.
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
        return drift
