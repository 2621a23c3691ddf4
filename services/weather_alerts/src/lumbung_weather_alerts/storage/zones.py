"""Maritime forecast zones in the database: seeded at start, then managed by admins.

Seeding inserts what is missing and never overwrites, so an admin's corrections survive a
restart; deletion is a tombstone for the same reason (a deleted seed zone stays deleted).
"""

from __future__ import annotations

from lumbung_shared.clock import utc_now
from lumbung_shared.errors import ConflictError, Message, NotFoundError
from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_weather_alerts.domain.subscriptions import regency_path
from lumbung_weather_alerts.domain.zones import Zone, zone_of

INDEXES = [IndexModel([("regency_path", ASCENDING), ("deleted", ASCENDING)])]
MAX_ZONES_LISTED = 500


class ZoneNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("Wilayah perairan", "Zone")


class ZoneRepository:
    """Stores zones with the prefixes of their regency codes for prefix filters."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def seed(self, zones: tuple[Zone, ...]) -> None:
        """Insert the seed zones that are not there yet (idempotent, never overwrites)."""
        now = utc_now()
        for zone in zones:
            await self._collection.update_one(
                {"_id": zone.id},
                {
                    "$setOnInsert": {
                        **_fields(zone),
                        "seeded": True,
                        "version": 1,
                        "created_at": now,
                    }
                },
                upsert=True,
            )

    async def get(self, zone_id: str) -> Zone:
        """A live zone, or 404."""
        doc = await self._collection.find_one({"_id": zone_id, "deleted": False})
        if doc is None:
            raise ZoneNotFoundError
        return zone_of(doc)

    async def find(self, zone_id: str) -> Zone | None:
        """A live zone, or None (for callers that answer unknown zones their own way)."""
        doc = await self._collection.find_one({"_id": zone_id, "deleted": False})
        return None if doc is None else zone_of(doc)

    async def list(self, regency_prefix: str | None = None) -> list[Zone]:
        """Live zones, optionally those touching a regency code prefix, by id."""
        query: Document = {"deleted": False}
        if regency_prefix:
            query["regency_path"] = regency_prefix
        cursor = self._collection.find(query).sort("_id", ASCENDING).limit(MAX_ZONES_LISTED)
        return [zone_of(doc) async for doc in cursor]

    async def create(self, zone: Zone) -> Zone:
        """Add a zone (or bring back a deleted one under the same id); 409 if it exists."""
        now = utc_now()
        result = await self._collection.update_one(
            {"_id": zone.id, "deleted": True},
            {"$set": {**_fields(zone), "updated_at": now}, "$inc": {"version": 1}},
        )
        if result.matched_count:
            return zone
        existing = await self._collection.find_one({"_id": zone.id}, {"_id": 1})
        if existing is not None:
            raise ConflictError(
                "zone-exists",
                Message(id="Wilayah perairan ini sudah ada.", en="This zone already exists."),
            )
        await self._collection.insert_one(
            {"_id": zone.id, **_fields(zone), "version": 1, "created_at": now}
        )
        return zone

    async def replace(self, zone: Zone) -> Zone:
        """Change a live zone's names, box or regencies; 404 when it does not exist."""
        result = await self._collection.update_one(
            {"_id": zone.id, "deleted": False},
            {"$set": {**_fields(zone), "updated_at": utc_now()}, "$inc": {"version": 1}},
        )
        if not result.matched_count:
            raise ZoneNotFoundError
        return zone

    async def delete(self, zone_id: str) -> int:
        """Tombstone a zone; returns the tombstone's version (for `restore`). Alerts already
        issued keep their own copy of the zone."""
        deleted = await self._collection.find_one_and_update(
            {"_id": zone_id, "deleted": False},
            {"$set": {"deleted": True, "updated_at": utc_now()}, "$inc": {"version": 1}},
            return_document=ReturnDocument.AFTER,  # no projection: FerretDB 1.x refuses it here
        )
        if deleted is None:
            raise ZoneNotFoundError
        version: int = deleted["version"]
        return version

    async def restore(self, zone_id: str, version: int) -> None:
        """Undo the tombstone `delete` wrote (unless the zone changed again since)."""
        await self._collection.update_one(
            {"_id": zone_id, "deleted": True, "version": version},
            {"$set": {"deleted": False, "updated_at": utc_now()}, "$inc": {"version": 1}},
        )


def _fields(zone: Zone) -> Document:
    data = zone.model_dump(mode="json", exclude={"id"})
    return {
        **data,
        "regency_codes": list(zone.regency_codes),
        "regency_path": regency_path(zone.regency_codes),
        "deleted": False,
    }
