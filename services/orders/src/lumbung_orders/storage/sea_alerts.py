"""The sea alerts in force, so an order placed during an alert is flagged from the start.

Kept from `sea_alert.*` events: issued/updated remember the alert and its regencies, cancelled
(or superseded through CAP `references`) forgets it; an alert past its `expires` no longer
counts even if its cancel never came.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lumbung_shared.mongo import Document
from pymongo.asynchronous.collection import AsyncCollection


class ActiveSeaAlerts:
    """Alert id → the regencies it covers and until when."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def remember(self, alert_id: str, regencies: Iterable[str], expires: datetime) -> None:
        await self._collection.update_one(
            {"_id": alert_id},
            {"$set": {"regencies": sorted(regencies), "expires": expires}},
            upsert=True,
        )

    async def forget(self, alert_ids: list[str]) -> None:
        await self._collection.delete_many({"_id": {"$in": alert_ids}})

    async def covering(self, regencies: list[str], now: datetime) -> dict[str, set[str]]:
        """Alerts in force over any of `regencies`, with all the regencies each covers."""
        if not regencies:
            return {}
        cursor = self._collection.find({"regencies": {"$in": regencies}, "expires": {"$gt": now}})
        return {doc["_id"]: set(doc["regencies"]) async for doc in cursor}
