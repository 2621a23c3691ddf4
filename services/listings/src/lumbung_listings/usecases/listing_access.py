"""Loading a listing for a caller: the one place the access rules meet the repository."""

from __future__ import annotations

from lumbung_shared.clock import utc_now
from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.access import is_owner, may_see, stale_version
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.problems import ListingNotFoundError
from lumbung_listings.messaging.events import listing_changed
from lumbung_listings.storage.documents import public
from lumbung_listings.storage.listings import ListingRepository


async def load(listings: ListingRepository, listing_id: str) -> Document:
    """A stored, undeleted listing (no visibility check: for internal use)."""
    doc = await listings.find(listing_id)
    if doc is None:
        raise ListingNotFoundError
    return doc


async def load_visible(listings: ListingRepository, listing_id: str, caller: Identity) -> Document:
    """A listing `caller` may read; 404 for one they may not know about."""
    doc = await load(listings, listing_id)
    if not may_see(caller, doc["seller_id"], Status(doc["status"])):
        raise ListingNotFoundError
    return doc


async def load_own(listings: ListingRepository, listing_id: str, editor: Identity) -> Document:
    """A listing `editor` may change (their own, or any for an admin); else 404."""
    doc = await load(listings, listing_id)
    if not is_owner(editor, doc["seller_id"]):
        raise ListingNotFoundError
    return doc


async def save_change(listings: ListingRepository, doc: Document, fields: Document) -> Document:
    """Store `fields` on `doc` at the next version with the events the change owes; 412 if raced."""
    after = {**doc, **fields, "version": doc["version"] + 1, "updated_at": utc_now()}
    changed = {**fields, "version": after["version"], "updated_at": after["updated_at"]}
    if not await listings.save(doc["_id"], doc["version"], changed, *listing_changed(doc, after)):
        raise stale_version(await listings.version_of(doc["_id"]))
    return public(after)
