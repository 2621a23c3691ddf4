"""The catch price read model: one small document per catch listing of a species group.

Fed by listing events only (services never read each other's stores). Every write is guarded
by the listing's version, so a redelivered or late event (an older or equal version) changes
nothing: applying the events is idempotent and order-insensitive. A deleted or no longer
counted listing stays as a small tombstone at its version, so a late snapshot cannot bring it
back.

No secondary index: FerretDB answers only `{_id}` filters from an index, so the read by group
scans the collection whatever is declared, and an index would only cost every write. The scan
costs about 0.1 ms per stored document whatever the filter or projection (measured on the local
FerretDB: 5,000 documents 0.5 s, 20,000 documents 2 s), so the collection is kept to what can
still count: listings not updated within the window are dropped (`forget_updated_before`), and
the use case caches each group's rows. The read keeps to a projection of the three fields a
median needs and to the newest `MAX_PRICED` listings.
"""

from __future__ import annotations

from datetime import datetime

from lumbung_shared.fisheries import SpeciesGroup
from lumbung_shared.mongo import Document
from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_weather_alerts.domain.catch_prices import PricedListing

MAX_PRICED = 5000
"""Listings one median reads at most (the newest): bounds memory if the model grows."""
PRICED_FIELDS = {"_id": 0, "price_per_kg": 1, "regency_code": 1, "province_code": 1}


class CatchPriceRepository:
    """Latest known price facts of each catch listing, by listing id."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def apply(self, listing_id: str, version: int, fields: Document, *, create: bool) -> bool:
        """Store `fields` as of `version` unless that version or a newer one is stored.

        With `create` an unknown listing is added; without, only a known one is changed (a
        status change or deletion of a listing the model never kept is none of its business).
        Returns True when the model changed. An upsert whose guard fails on an existing
        document collides on `_id`; that collision means "already newer", not an error.
        """
        try:
            result = await self._collection.update_one(
                {"_id": listing_id, "version": {"$lt": version}},
                {"$set": {**fields, "version": version}},
                upsert=create,
            )
        except DuplicateKeyError:
            return False
        return result.modified_count > 0 or result.upserted_id is not None

    async def priced(self, group: SpeciesGroup, since: datetime) -> list[PricedListing]:
        """Active, per-kg priced listings of `group` updated at or after `since`."""
        query: Document = {
            "group": group.value,
            "active": True,
            "price_per_kg": {"$ne": None},
            "updated_at": {"$gte": since},
        }
        found = self._collection.find(query, PRICED_FIELDS).sort("updated_at", DESCENDING)
        return [
            PricedListing(doc["price_per_kg"], doc.get("regency_code"), doc["province_code"])
            for doc in await found.limit(MAX_PRICED).to_list(None)
        ]

    async def forget_updated_before(self, cutoff: datetime) -> int:
        """Drop the listings last updated before `cutoff`; returns how many went.

        Safe for the version guard: a late event recreating one carries its old event time,
        so the recreated entry is out of the window as well and goes at the next pass.
        """
        result = await self._collection.delete_many({"updated_at": {"$lt": cutoff}})
        return result.deleted_count

    async def find(self, listing_id: str) -> Document | None:
        """One listing's document (tests and diagnosis)."""
        return await self._collection.find_one({"_id": listing_id})
