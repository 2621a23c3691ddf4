"""The alerts collection: each zone's alert chain and the events its changes owe, in one document.

Every change (issue, update, cancel, expire) is one single-document write that carries its
`sea_alert.*` event in the outbox. Concurrent writers are stopped by the database, not by
luck: a second open chain for a zone breaks the unique `open_key` index, and a change to a
chain is guarded by its `version`. The loser re-reads and decides again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lumbung_shared.errors import NotFoundError
from lumbung_shared.mongo import ensure_indexes
from lumbung_shared.outbox import Notify, outbox_fields, outbox_push
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.lifecycle import Cancel, Issue, Update
from lumbung_weather_alerts.domain.subscriptions import SEVERITY_RANK
from lumbung_weather_alerts.domain.zones import Zone
from lumbung_weather_alerts.messaging.events import expiry_event, message_event

from .alert_documents import (
    AlertStatus,
    Document,
    latest_fields,
    message_of,
    new_chain,
    new_chain_id,
)

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


@dataclass(frozen=True)
class AlertQuery:
    """Filters of the alert list (all optional, combined with AND)."""

    zone_id: str | None = None
    regency_prefix: str | None = None
    severity: Severity | None = None
    status: AlertStatus | None = None
    active_at: datetime | None = None
    """Only alerts active at this moment."""
    inactive_at: datetime | None = None
    """Only alerts no longer active at this moment."""
    updated_since: datetime | None = None

    def to_mongo(self) -> Document:
        query: Document = {}
        if self.zone_id:
            query["zone_id"] = self.zone_id
        if self.regency_prefix:
            query["regency_path"] = self.regency_prefix
        if self.severity:
            query["severity"] = self.severity.value
        if self.status:
            query["status"] = self.status.value
        if self.active_at:
            query["status"] = AlertStatus.ACTIVE.value
            query["expires"] = {"$gte": self.active_at}
        if self.inactive_at:
            inactive = {"status": {"$ne": AlertStatus.ACTIVE.value}}
            query["$or"] = [inactive, {"expires": {"$lt": self.inactive_at}}]
        if self.updated_since:
            query["updated_at"] = {"$gt": self.updated_since}
        return query


class AlertRepository:
    """Stores alert chains; every change carries its event in the same document (outbox)."""

    def __init__(
        self, collection: AsyncCollection[Document], sender: str, on_event: Notify
    ) -> None:
        self._collection = collection
        self._sender = sender
        self._on_event = on_event

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def open_for_zone(self, zone_id: str) -> Document | None:
        """The zone's open chain (possibly past `expires` if the sweep has not run yet)."""
        return await self._collection.find_one({"open_key": zone_id}, HIDDEN_FIELDS)

    async def issue(self, decision: Issue, zone: Zone, now: datetime) -> Document:
        """Open a new chain with its CAP Alert and `sea_alert.issued`, in one insert."""
        chain_id = new_chain_id(now)
        message = message_of(decision, f"{chain_id}-1", self._sender, now)
        doc = new_chain(chain_id, zone, message, now)
        try:
            await self._collection.insert_one({**doc, **outbox_fields(message_event(doc))})
        except DuplicateKeyError:
            raise ConcurrentAlertChangeError from None
        self._on_event(doc["_id"])
        return doc

    async def supersede(self, doc: Document, decision: Update | Cancel, now: datetime) -> Document:
        """Append a CAP Update or Cancel to an open chain, guarded by its version."""
        identifier = f"{doc['_id']}-{len(doc['messages']) + 1}"
        message = message_of(decision, identifier, self._sender, now)
        cancelled = isinstance(decision, Cancel)
        changes: Document = {
            **latest_fields(message),
            "status": (AlertStatus.CANCELLED if cancelled else AlertStatus.ACTIVE).value,
            "open_key": closed_key(doc) if cancelled else doc["zone_id"],
            "updated_at": now,
        }
        peak = max(doc["peak_severity_rank"], SEVERITY_RANK[Severity(message["severity"])])
        after = {
            **doc,
            **changes,
            "peak_severity_rank": peak,
            "messages": [*doc["messages"], message],
            "version": doc["version"] + 1,
        }
        outbox = outbox_push(message_event(after))
        update = {
            "$set": {**changes, "peak_severity_rank": peak},
            "$push": {"messages": message, **outbox["$push"]},
            "$inc": {"version": 1, **outbox["$inc"]},
        }
        await self._guarded_update(doc, update)
        return after

    async def expire(self, doc: Document, now: datetime) -> Document:
        """Close a chain whose time ran out and send `sea_alert.cancelled` for it."""
        changes = {
            "status": AlertStatus.EXPIRED.value,
            "open_key": closed_key(doc),
            "updated_at": now,
        }
        after = {**doc, **changes, "version": doc["version"] + 1}
        outbox = outbox_push(expiry_event(after))
        update = {
            "$set": changes,
            "$push": outbox["$push"],
            "$inc": {"version": 1, **outbox["$inc"]},
        }
        await self._guarded_update(doc, update)
        return after

    async def due_for_expiry(self, now: datetime) -> list[Document]:
        """Open chains past their `expires`, oldest first, bounded per sweep."""
        cursor = (
            self._collection.find(
                {"status": AlertStatus.ACTIVE.value, "expires": {"$lt": now}}, HIDDEN_FIELDS
            )
            .sort("expires", ASCENDING)
            .limit(MAX_EXPIRED_PER_SWEEP)
        )
        return await cursor.to_list(None)

    async def get(self, alert_id: str) -> Document:
        """A chain by its id or by the identifier of any of its CAP messages; 404 otherwise."""
        doc = await self._collection.find_one({"_id": alert_id}, HIDDEN_FIELDS)
        if doc is None:
            doc = await self._collection.find_one({"messages.identifier": alert_id}, HIDDEN_FIELDS)
        if doc is None:
            raise AlertNotFoundError
        return doc

    async def page(
        self, query: AlertQuery, after: tuple[datetime, str] | None, limit: int
    ) -> list[Document]:
        """Newest issued first; `after` is the (issued_at, id) of the last item already seen."""
        mongo = query.to_mongo()
        if after is not None:
            issued_at, chain_id = after
            keyset = {
                "$or": [
                    {"issued_at": {"$lt": issued_at}},
                    {"issued_at": issued_at, "_id": {"$lt": chain_id}},
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
    ) -> list[Document]:
        """Chains changed at or after `since`, oldest change first (the SSE stream's source)."""
        query: Document = {"updated_at": {"$gte": since}}
        if regency_prefix:
            query["regency_path"] = regency_prefix
        cursor = self._collection.find(query, HIDDEN_FIELDS).sort("updated_at", ASCENDING)
        return await cursor.limit(limit).to_list(None)

    async def _guarded_update(self, doc: Document, update: Document) -> None:
        result = await self._collection.update_one(
            {"_id": doc["_id"], "version": doc["version"]}, update
        )
        if result.matched_count != 1:
            raise ConcurrentAlertChangeError
        self._on_event(doc["_id"])


def closed_key(doc: Document) -> str:
    """`open_key` of a closed chain: unique per chain, never a zone id (':' is not allowed)."""
    return f"closed:{doc['_id']}"
