"""The listings collection: each listing and the events its changes owe, in one document.

Every change is one conditional update guarded by the version the caller saw (optimistic
concurrency) and by ownership, carrying its events in the listing's outbox. Stock counters,
status and the seller are never taken from client input: the draft is an allow-list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import uuid4

from lumbung_shared.mongo import ensure_indexes
from lumbung_shared.outbox import Notify, outbox_fields, outbox_push
from lumbung_shared.web.identity import Identity
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_listings.domain.access import actor_of, is_owner, may_see, stale_version
from lumbung_listings.domain.commodities import get_commodity
from lumbung_listings.domain.lifecycle import Status, transition
from lumbung_listings.domain.listing import ListingDraft, ListingPatch, apply_patch
from lumbung_listings.domain.photos import ensure_room_for_photo
from lumbung_listings.domain.regions import ancestors
from lumbung_listings.domain.search import listing_keywords
from lumbung_listings.domain.stock import status_for_stock
from lumbung_listings.messaging.events import listing_changed, listing_created, listing_deleted
from lumbung_listings.storage.documents import (
    HIDDEN_FIELDS,
    Document,
    ListingNotFoundError,
    PhotoNotFoundError,
    merge_updates,
    now_ms,
    public,
)

RiskLookup = Callable[[str, str], Awaitable[list[str]]]
"""(kind, origin region) → ids of active sea alerts that put this listing's supply at risk."""

INDEXES = [
    IndexModel([("status", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)]),
    IndexModel([("status", ASCENDING), ("commodity", ASCENDING), ("created_at", DESCENDING)]),
    IndexModel([("status", ASCENDING), ("price_per_unit", ASCENDING), ("_id", ASCENDING)]),
    IndexModel([("region_path", ASCENDING), ("status", ASCENDING), ("created_at", DESCENDING)]),
    IndexModel([("keywords", ASCENDING), ("status", ASCENDING)]),
    IndexModel([("seller_id", ASCENDING), ("updated_at", DESCENDING)]),
    IndexModel([("updated_at", ASCENDING), ("_id", ASCENDING)]),
    IndexModel([("risk_alert_ids", ASCENDING)]),
    IndexModel([("outbox_pending", ASCENDING)]),
]


def content_fields(draft: ListingDraft) -> Document:
    """What a draft stores: its fields plus the derived search words and region ancestors."""
    commodity = get_commodity(draft.commodity)
    return {
        **draft.model_dump(mode="json"),
        "keywords": listing_keywords(
            draft.title, draft.description, commodity.name_id, commodity.name_en
        ),
        "region_path": ancestors(draft.origin_region),
    }


def draft_of(doc: Document) -> ListingDraft:
    """The seller-settable part of a stored listing, as a draft to patch."""
    return ListingDraft.model_validate(
        {name: doc[name] for name in ListingDraft.model_fields if doc.get(name) is not None}
    )


class ListingRepository:
    """Stores listings; every write carries its events in the same document (outbox)."""

    def __init__(
        self,
        collection: AsyncCollection[Document],
        on_event: Notify,
        risk_for: RiskLookup | None = None,
    ) -> None:
        self._collection = collection
        self._on_event = on_event
        self._risk_for = risk_for

    @property
    def collection(self) -> AsyncCollection[Document]:
        return self._collection

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def create(
        self, seller_id: str, draft: ListingDraft, *, publish: bool = True
    ) -> Document:
        """Store a new listing (active, or a draft) and its `listing.created` in one insert."""
        now = now_ms()
        status = (
            status_for_stock(Status.ACTIVE, draft.quantity_available) if publish else Status.DRAFT
        )
        risks = await self._risk_for(draft.kind, draft.origin_region) if self._risk_for else []
        doc: Document = {
            "_id": uuid4().hex,
            "seller_id": seller_id,
            **content_fields(draft),
            "status": status.value,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "reserved_orders": [],
            "photos": [],
            "photo_count": 0,
            "risk_alert_ids": risks,
            "supply_at_risk": bool(risks),
            "deleted": False,
        }
        doc.update(outbox_fields(listing_created(doc)))
        await self._collection.insert_one(doc)
        self._on_event(doc["_id"])
        return public(doc)

    async def get(self, listing_id: str) -> Document:
        """A stored, undeleted listing by id (no visibility check: for internal use)."""
        doc = await self._collection.find_one(
            {"_id": listing_id, "deleted": {"$ne": True}}, HIDDEN_FIELDS
        )
        if doc is None:
            raise ListingNotFoundError
        return doc

    async def visible(self, listing_id: str, caller: Identity) -> Document:
        """A listing `caller` may read; 404 for one they may not know about."""
        doc = await self.get(listing_id)
        if not may_see(caller, doc["seller_id"], Status(doc["status"])):
            raise ListingNotFoundError
        return doc

    async def owned(self, listing_id: str, editor: Identity) -> Document:
        """A listing `editor` may change (their own, or any for an admin); else 404."""
        doc = await self.get(listing_id)
        if not is_owner(editor, doc["seller_id"]):
            raise ListingNotFoundError
        return doc

    async def update(
        self, listing_id: str, editor: Identity, version: int, patch: ListingPatch
    ) -> Document:
        """Apply a seller's edit made against `version`; 412 if the listing moved on."""
        doc = await self.owned(listing_id, editor)
        if doc["version"] != version:
            raise stale_version(doc["version"])
        draft = apply_patch(draft_of(doc), patch)
        fields = {
            **content_fields(draft),
            "status": status_for_stock(Status(doc["status"]), draft.quantity_available).value,
        }
        moved = draft.kind != doc["kind"] or draft.origin_region != doc["origin_region"]
        if moved and self._risk_for is not None:
            risks = await self._risk_for(draft.kind, draft.origin_region)
            fields.update(risk_alert_ids=risks, supply_at_risk=bool(risks))
        return await self._write(doc, fields)

    async def change_status(
        self, listing_id: str, editor: Identity, target: Status, version: int | None
    ) -> Document:
        """Move a listing through its lifecycle (publish, pause, resume, archive)."""
        doc = await self.owned(listing_id, editor)
        if version is not None and doc["version"] != version:
            raise stale_version(doc["version"])
        current = Status(doc["status"])
        status = transition(current, target, actor_of(editor))
        if status is current:
            return public(doc)
        if status is Status.ACTIVE:
            status = status_for_stock(Status.ACTIVE, doc["quantity_available"])
        return await self._write(doc, {"status": status.value})

    async def delete(self, listing_id: str, editor: Identity) -> Document:
        """Mark a listing deleted (kept as a tombstone for offline sync) with `listing.deleted`.

        Deleting again is not an error: a phone that lost the first answer retries.
        """
        doc = await self._collection.find_one({"_id": listing_id}, HIDDEN_FIELDS)
        if doc is None or not is_owner(editor, doc["seller_id"]):
            raise ListingNotFoundError
        if doc.get("deleted"):
            return doc
        after = {**doc, "version": doc["version"] + 1, "updated_at": now_ms()}
        update = merge_updates(
            {
                "$set": {
                    "deleted": True,
                    "photos": [],
                    "photo_count": 0,
                    "version": after["version"],
                    "updated_at": after["updated_at"],
                }
            },
            outbox_push(listing_deleted(after)),
        )
        result = await self._collection.update_one(
            {"_id": listing_id, "version": doc["version"]}, update
        )
        if result.modified_count == 0:
            raise stale_version(None)
        self._on_event(listing_id)
        return after

    async def add_photo(self, listing_id: str, editor: Identity, photo: Document) -> Document:
        """Attach a stored photo to the seller's listing; a ninth photo is refused (422)."""
        doc = await self.owned(listing_id, editor)
        ensure_room_for_photo(len(doc.get("photos", [])))
        photos = [*doc.get("photos", []), photo]
        return await self._write(doc, {"photos": photos, "photo_count": len(photos)})

    async def remove_photo(self, listing_id: str, editor: Identity, photo_id: str) -> Document:
        """Detach one photo from the seller's listing; returns the photo's metadata."""
        doc = await self.owned(listing_id, editor)
        found: list[Document] = [p for p in doc.get("photos", []) if p["id"] == photo_id]
        if not found:
            raise PhotoNotFoundError
        photos = [p for p in doc["photos"] if p["id"] != photo_id]
        await self._write(doc, {"photos": photos, "photo_count": len(photos)})
        return found[0]

    async def _write(self, doc: Document, fields: Document) -> Document:
        """Store `fields` on `doc` at the next version with the events the change owes."""
        after = {**doc, **fields, "version": doc["version"] + 1, "updated_at": now_ms()}
        changed = {**fields, "version": after["version"], "updated_at": after["updated_at"]}
        update = merge_updates({"$set": changed}, outbox_push(*listing_changed(doc, after)))
        result = await self._collection.update_one(
            {"_id": doc["_id"], "version": doc["version"], "deleted": {"$ne": True}}, update
        )
        if result.modified_count == 0:
            current = await self._collection.find_one({"_id": doc["_id"]}, {"version": 1})
            raise stale_version(current["version"] if current else None)
        self._on_event(doc["_id"])
        return public(after)
