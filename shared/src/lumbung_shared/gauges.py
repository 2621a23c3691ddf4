"""The sampled gauges every service has: its outbox backlog, its inbox, its consumers' lag.

Every replica of a service samples the same store and the same consumer groups, so they all
report the same values: aggregate over replicas with `max`, not `sum`.

What a store sample costs on FerretDB/SQLite, where any filter but an exact `_id` reads and
decodes every document (`lumbung_shared.store_metrics`), measured with FerretDB 1.24 here:
- The outbox gauges: one `find({outbox_pending: {$gt: 0}})` per collection the relay watches,
  returning the counters and the entries' bodies: 470-510 ms at 5,000 documents (50 pending),
  the same with any projection (the decoding is the cost, not the reply). It holds the
  process's one store connection for that long, so the default period is 15 s (the relay's
  own full scan runs every 30 s). On MongoDB the `outbox_pending` index answers it.
- The inbox gauge: `$collStats` count, 22 ms at 50,000 ids; `estimated_document_count` (the
  `count` command) scans on FerretDB: 910 ms at 50,000.
The lag costs no store access at all (`lumbung_shared.consumer_lag`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import OperationFailure

from lumbung_shared.clock import utc_now
from lumbung_shared.consumer_lag import ConsumerLag
from lumbung_shared.outbox import OUTBOX, PENDING
from lumbung_shared.sampling import Labels, SampledGauge, Source
from lumbung_shared.settings import ServiceSettings

OUTBOX_PENDING = "lumbung_outbox_pending_events"
OUTBOX_OLDEST_AGE = "lumbung_outbox_oldest_event_age_seconds"
INBOX_EVENTS = "lumbung_inbox_events"
NAMESPACE_NOT_FOUND = 26


def process_gauges(
    settings: ServiceSettings,
    groups: Mapping[str, Sequence[str]],
    outboxes: Sequence[AsyncCollection[dict[str, Any]]],
    inbox: AsyncCollection[dict[str, Any]],
) -> list[Source]:
    """The sources of a service process: its consumer groups (and their topics), the
    collections its relay watches, and its inbox."""
    service = settings.service_name
    return [
        ConsumerLag(
            service,
            settings.kafka_bootstrap_servers,
            groups,
            request_timeout_ms=settings.kafka_request_timeout_ms,
        ),
        OutboxBacklog(service, outboxes),
        InboxSize(service, inbox),
    ]


class OutboxBacklog:
    """`lumbung_outbox_pending_events` and the oldest pending event's age, per collection."""

    FIELDS = {"_id": 0, PENDING: 1, f"{OUTBOX}.body": 1}

    def __init__(self, service: str, collections: Sequence[AsyncCollection[dict[str, Any]]]):
        self._service = service
        self._collections = list(collections)
        labels = ["service", "collection"]
        self._pending = SampledGauge(
            OUTBOX_PENDING, "Events written to outboxes and not yet published", labels
        )
        self._oldest = SampledGauge(
            OUTBOX_OLDEST_AGE,
            "Age of the oldest event not yet published (0 when none is waiting)",
            labels,
        )
        empty: dict[Labels, float] = {(service, c.name): 0.0 for c in self._collections}
        self._pending.set_all(empty)
        self._oldest.set_all(empty)

    @property
    def gauges(self) -> Sequence[SampledGauge]:
        return (self._pending, self._oldest)

    async def sample(self) -> None:
        pending: dict[Labels, float] = {}
        oldest: dict[Labels, float] = {}
        for collection in self._collections:
            now = utc_now()
            count, first = 0, now
            async for doc in collection.find({PENDING: {"$gt": 0}}, self.FIELDS):
                count += int(doc.get(PENDING, 0))
                entries = doc.get(OUTBOX) or []
                if entries and (occurred := occurred_at(entries[0])) is not None:
                    first = min(first, occurred)  # entries are appended in order
            key = (self._service, collection.name)
            pending[key] = float(count)
            oldest[key] = max(0.0, (now - first).total_seconds())
        self._pending.set_all(pending)
        self._oldest.set_all(oldest)

    async def close(self) -> None:
        return None


def occurred_at(entry: Mapping[str, Any]) -> datetime | None:
    """When an outbox entry's event happened (its envelope's `occurred_at`), if readable."""
    try:
        moment = datetime.fromisoformat(json.loads(entry["body"])["occurred_at"])
    except (KeyError, TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


class InboxSize:
    """`lumbung_inbox_events`: the processed-event ids kept (all groups of the process)."""

    def __init__(self, service: str, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._service = service
        self._collection = collection
        self._events = SampledGauge(
            INBOX_EVENTS, "Processed event ids kept to skip redeliveries", ["service"]
        )
        self._events.set_all({(service,): 0.0})

    @property
    def gauges(self) -> Sequence[SampledGauge]:
        return (self._events,)

    async def sample(self) -> None:
        """The count from `$collStats` (metadata on MongoDB; see the module docstring)."""
        try:
            cursor = await self._collection.aggregate([{"$collStats": {"count": {}}}])
            stats = await cursor.to_list(None)
        except OperationFailure as exc:
            if exc.code != NAMESPACE_NOT_FOUND:
                raise
            stats = []  # nothing handled yet
        count = sum(int(shard.get("count", 0)) for shard in stats)  # one per shard
        self._events.set_all({(self._service,): float(count)})

    async def close(self) -> None:
        return None
