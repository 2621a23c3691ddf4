"""The fishing-ground forecasts collection: one document per forecast, `_id` its id.

A forecast and its `fishing_ground.forecast_published` event are one insert (outbox), so an
accepted forecast is always announced and an announced one always stored; the unique `_id`
makes two concurrent posts of one id a single forecast.

FerretDB answers only `{_id}` from an index and scans for everything else, so every read here
but `get` is a scan of the collection. That is affordable because the collection holds only
forecasts still in force: windows are at most 7 days and the sweep (`delete_expired`) deletes
a forecast once its window has passed (superseded ones stay until then, so a feed re-reading
them finds them and does not publish them again). ZPPI issues a handful of maps a day per
region, so the set is some hundreds of documents; reads are bounded (`MAX_ACTIVE`) besides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.mongo import Document, ensure_indexes
from lumbung_shared.outbox import Notify, outbox_fields
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_weather_alerts.domain.forecast_record import Forecast, ForecastStatus

INDEXES = [
    IndexModel([("valid_until", ASCENDING)]),
    IndexModel([("received_at", ASCENDING)]),
]
"""For MongoDB deployments; FerretDB keeps them but scans anyway (see the module docstring)."""

HIDDEN_FIELDS = {"outbox": 0, "outbox_pending": 0, "outbox_lease_until": 0}
MAX_ACTIVE = 500
"""Forecasts the planner and the list read at most."""
MAX_CHANGES = 100
"""Forecasts one SSE poll reads at most."""

_ACTIVE = ForecastStatus.ACTIVE.value


class ForecastRepository:
    """Stores forecasts; an insert carries its event in the same document (outbox)."""

    def __init__(self, collection: AsyncCollection[Document], on_event: Notify) -> None:
        self._collection = collection
        self._on_event = on_event

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def get(self, forecast_id: str) -> Forecast | None:
        """A forecast by id, whatever its status (None when unknown or already swept)."""
        return await self._collection.find_one({"_id": forecast_id}, HIDDEN_FIELDS)

    async def insert(self, forecast: Forecast, event: Envelope[Any]) -> bool:
        """Store a new forecast with its event; False when the id exists already."""
        try:
            await self._collection.insert_one({**forecast, **outbox_fields(event)})
        except DuplicateKeyError:
            return False
        self._on_event(forecast["_id"])
        return True

    async def mark_superseded(self, ids: list[str], by: str, now: datetime) -> int:
        """Mark the active forecasts among `ids` superseded by `by`; how many changed.

        One `{_id}` update each: FerretDB then finds them by index, and a repeat (a replayed
        post finishing what a crash interrupted) changes nothing."""
        changed = 0
        for forecast_id in ids:
            result = await self._collection.update_one(
                {"_id": forecast_id, "status": _ACTIVE},
                {
                    "$set": {
                        "status": ForecastStatus.SUPERSEDED.value,
                        "superseded_by": by,
                        "updated_at": now,
                    }
                },
            )
            changed += result.modified_count
        return changed

    async def live(
        self, now: datetime, after_id: str | None = None, limit: int = MAX_ACTIVE
    ) -> list[Forecast]:
        """Active forecasts still in force at `now`, by id, after `after_id` (a scan)."""
        query: Document = {"status": _ACTIVE, "valid_until": {"$gt": now}}
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        cursor = self._collection.find(query, HIDDEN_FIELDS).sort("_id", ASCENDING)
        return await cursor.limit(min(limit, MAX_ACTIVE)).to_list(None)

    async def live_in_zone(self, zone_id: str, now: datetime) -> list[Forecast]:
        """Active forecasts in force at `now` with a ground in the zone (a scan)."""
        query = {"zone_ids": zone_id, "status": _ACTIVE, "valid_until": {"$gt": now}}
        cursor = self._collection.find(query, HIDDEN_FIELDS).sort("_id", ASCENDING)
        return await cursor.limit(MAX_ACTIVE).to_list(None)

    async def received_since(
        self, since: datetime, regency_prefix: str | None, limit: int = MAX_CHANGES
    ) -> list[Forecast]:
        """Forecasts received at or after `since` (touching the regency prefix), oldest first."""
        query: Document = {"received_at": {"$gte": since}}
        if regency_prefix:
            query["regency_path"] = regency_prefix
        cursor = self._collection.find(query, HIDDEN_FIELDS).sort("received_at", ASCENDING)
        return await cursor.limit(limit).to_list(None)

    async def delete_expired(self, now: datetime) -> int:
        """Delete forecasts whose window has passed and whose event is out; how many left.

        A forecast whose event the relay has not published yet stays until it has: deleting
        it would delete the event with it."""
        result = await self._collection.delete_many(
            {"valid_until": {"$lte": now}, "outbox_pending": 0}
        )
        return result.deleted_count
