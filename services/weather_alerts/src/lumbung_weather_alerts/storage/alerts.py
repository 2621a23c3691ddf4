"""The alerts collection: each zone's alert chain and the events its changes owe, in one document.

Every change (issue, update, cancel, expire) is one single-document write that carries its
`sea_alert.*` event in the outbox. The use case computes the chain's next state
(`domain.alert_chain`) and its events (`messaging.events`); this repository only writes them.
Concurrent writers are stopped by the database, not by luck: a second open chain for a zone
breaks the unique `open_key` index, and a change to a chain is guarded by its `version`. The
loser re-reads and decides again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lumbung_shared.errors import NotFoundError
from lumbung_shared.events import Envelope
from lumbung_shared.mongo import Document, ensure_indexes
from lumbung_shared.outbox import Notify, outbox_fields, with_events
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_weather_alerts.domain.alert_chain import AlertStatus, Chain, ChainChange
from lumbung_weather_alerts.domain.alert_query import AlertQuery, PageKey

INDEXES = [
    IndexModel([("open_key", ASCENDING)], unique=True),
    IndexModel([("messages.identifier", ASCENDING)]),
    IndexModel([("issued_at", DESCENDING), ("_id", DESCENDING)]),
    IndexModel([("updated_at", ASCENDING)]),
    IndexModel([("regency_path", ASCENDING), ("issued_at", DESCENDING)]),
    IndexModel([("status", ASCENDING), ("expires", ASCENDING)]),
    IndexModel([("outbox_pending", ASCENDING)]),
]

HIDDEN_FIELDS = {"outbox": 0, "outbox_pending": 0, "outbox_lease_until": 0}
MAX_EXPIRED_PER_SWEEP = 100


class AlertNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("Peringatan", "Alert")


class ConcurrentAlertChangeError(Exception):
    """Another writer changed this zone's alert first; re-read and decide again."""


def _to_mongo(query: AlertQuery) -> Document:
    mongo: Document = {}
    if query.zone_id:
        mongo["zone_id"] = query.zone_id
    if query.regency_prefix:
        mongo["regency_path"] = query.regency_prefix
    if query.severity:
        mongo["severity"] = query.severity.value
    if query.status:
        mongo["status"] = query.status.value
    if query.active_at:
        mongo["status"] = AlertStatus.ACTIVE.value
        mongo["expires"] = {"$gte": query.active_at}
    if query.inactive_at:
        inactive = {"status": {"$ne": AlertStatus.ACTIVE.value}}
        mongo["$or"] = [inactive, {"expires": {"$lt": query.inactive_at}}]
    if query.updated_since:
        mongo["updated_at"] = {"$gt": query.updated_since}
    return mongo


class AlertRepository:
    """Stores alert chains; every change carries its event in the same document (outbox)."""

    def __init__(self, collection: AsyncCollection[Document], on_event: Notify) -> None:
        self._collection = collection
        self._on_event = on_event

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def open_for_zone(self, zone_id: str) -> Chain | None:
        """The zone's open chain (possibly past `expires` if the sweep has not run yet)."""
        return await self._collection.find_one({"open_key": zone_id}, HIDDEN_FIELDS)

    async def insert(self, chain: Chain, event: Envelope[Any]) -> None:
        """Open a new chain with its first event, in one insert; the zone's other open chain
        (a concurrent writer's) makes it `ConcurrentAlertChangeError`."""
        try:
            await self._collection.insert_one({**chain, **outbox_fields(event)})
        except DuplicateKeyError:
            raise ConcurrentAlertChangeError from None
        self._on_event(chain["_id"])

    async def save(self, before: Chain, change: ChainChange, event: Envelope[Any]) -> None:
        """Write a chain's change and its event, guarded by the version it was read at."""
        update = with_events({"$set": change.fields}, event)
        result = await self._collection.update_one(
            {"_id": before["_id"], "version": before["version"]}, update
        )
        if result.matched_count != 1:
            raise ConcurrentAlertChangeError
        self._on_event(before["_id"])

    async def due_for_expiry(self, now: datetime) -> list[Chain]:
        """Open chains past their `expires`, oldest first, bounded per sweep."""
        cursor = (
            self._collection.find(
                {"status": AlertStatus.ACTIVE.value, "expires": {"$lt": now}}, HIDDEN_FIELDS
            )
            .sort("expires", ASCENDING)
            .limit(MAX_EXPIRED_PER_SWEEP)
        )
        return await cursor.to_list(None)

    async def in_force_by_severity(self, now: datetime) -> dict[str, int]:
        """How many chains are in force at `now` (open, not past `expires`), per latest severity.

        The metrics sample it (a scan on FerretDB, like every list of alerts; see
        `lumbung_weather_alerts.metrics`)."""
        counts: dict[str, int] = {}
        query = {"status": AlertStatus.ACTIVE.value, "expires": {"$gte": now}}
        async for doc in self._collection.find(query, {"_id": 0, "severity": 1}):
            counts[doc["severity"]] = counts.get(doc["severity"], 0) + 1
        return counts

    async def get(self, alert_id: str) -> Chain:
        """A chain by its id or by the identifier of any of its CAP messages; 404 otherwise."""
        doc = await self._collection.find_one({"_id": alert_id}, HIDDEN_FIELDS)
        if doc is None:
            doc = await self._collection.find_one({"messages.identifier": alert_id}, HIDDEN_FIELDS)
        if doc is None:
            raise AlertNotFoundError
        return doc

    async def page(self, query: AlertQuery, after: PageKey | None, limit: int) -> list[Chain]:
        """Newest issued first; `after` is the sort key of the last item already seen."""
        mongo = _to_mongo(query)
        if after is not None:
            keyset = {
                "$or": [
                    {"issued_at": {"$lt": after.issued_at}},
                    {"issued_at": after.issued_at, "_id": {"$lt": after.chain_id}},
                ]
            }
            mongo = {"$and": [mongo, keyset]} if mongo else keyset
        cursor = (
            self._collection.find(mongo, HIDDEN_FIELDS)
            .sort([("issued_at", DESCENDING), ("_id", DESCENDING)])
            .limit(limit)
        )
        return await cursor.to_list(None)

    async def last_change(self) -> datetime | None:
        """When any alert last changed: the Last-Modified of every list and feed."""
        cursor = self._collection.find({}, {"updated_at": 1}).sort("updated_at", DESCENDING)
        docs = await cursor.limit(1).to_list(None)
        return docs[0]["updated_at"] if docs else None

    async def changed_since(
        self, since: datetime, regency_prefix: str | None, limit: int = 100
    ) -> list[Chain]:
        """Chains changed at or after `since`, oldest change first (the SSE stream's source)."""
        query: Document = {"updated_at": {"$gte": since}}
        if regency_prefix:
            query["regency_path"] = regency_prefix
        cursor = self._collection.find(query, HIDDEN_FIELDS).sort("updated_at", ASCENDING)
        return await cursor.limit(limit).to_list(None)
