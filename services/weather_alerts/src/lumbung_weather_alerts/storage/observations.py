"""Every accepted observation, so advice can weigh the forecasts that cover the coming day.

An observation is stored once under a fingerprint of its content: a repeat (an agency's retry,
a feed polled again) only moves its `received_at`, which also makes it the newest word on its
window again, as its sender intended.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_weather_alerts.domain.conditions import ReceivedObservation
from lumbung_weather_alerts.domain.observations import Observation

INDEXES = [IndexModel([("zone_id", ASCENDING), ("valid_to", ASCENDING)])]
MAX_PER_ZONE = 200


def fingerprint(observation: Observation) -> str:
    """A stable id for the content of an observation."""
    canonical = json.dumps(observation.model_dump(mode="json"), sort_keys=True)
    return "obs_" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


class ObservationRepository:
    """Stores observations by fingerprint; reads the ones covering a window."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def record(self, observation: Observation, now: datetime) -> tuple[str, bool]:
        """Store (or refresh) an observation; returns its id and whether it was new."""
        observation_id = fingerprint(observation)
        result = await self._collection.update_one(
            {"_id": observation_id},
            {
                "$set": {"received_at": now},
                "$setOnInsert": {**observation.model_dump(), "first_received_at": now},
            },
            upsert=True,
        )
        return observation_id, result.upserted_id is not None

    async def covering(
        self, zone_id: str, start: datetime, horizon: timedelta
    ) -> list[ReceivedObservation]:
        """Observations of a zone whose window overlaps `[start, start + horizon]`."""
        cursor = (
            self._collection.find(
                {
                    "zone_id": zone_id,
                    "valid_to": {"$gt": start},
                    "valid_from": {"$lt": start + horizon},
                }
            )
            .sort("received_at", DESCENDING)
            .limit(MAX_PER_ZONE)
        )
        return [_received(doc) async for doc in cursor]


def _received(doc: Document) -> ReceivedObservation:
    fields = {name: doc[name] for name in Observation.model_fields}
    return ReceivedObservation(Observation.model_validate(fields), doc["received_at"])
