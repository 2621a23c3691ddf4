"""Specification: the service forgets handled event ids once they are older than the inbox
retention (its housekeeping loop; FerretDB has no TTL index), and keeps the recent ones a
redelivery may still need."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from devstack.stack import Stack

from tests.support.mongo import database
from tests.support.polling import eventually

CONSUMER = "weather_alerts.webhooks"
RETENTION = timedelta(days=7)
"""The production default (`WEATHER_ALERTS_INBOX_RETENTION_HOURS`); the test stack keeps it."""


class TestInboxRetention:
    async def test_ids_older_than_the_retention_are_forgotten_and_recent_ones_kept(
        self, stack: Stack
    ) -> None:
        now = datetime.now(UTC)
        old, recent = f"{CONSUMER}:old-{uuid4().hex}", f"{CONSUMER}:recent-{uuid4().hex}"
        async with database(stack, "weather_alerts") as db:
            await db.processed_events.insert_many(
                [
                    {"_id": old, "at": now - RETENTION - timedelta(hours=1)},
                    {"_id": recent, "at": now - timedelta(hours=1)},
                ]
            )

            async def forgotten() -> bool | None:
                found = await db.processed_events.find_one({"_id": old})
                return True if found is None else None

            await eventually(forgotten, within=20)
            assert await db.processed_events.find_one({"_id": recent}) is not None
            await db.processed_events.delete_one({"_id": recent})
