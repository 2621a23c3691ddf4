"""What the poller knows about each forecast feed: last success, last new issue, last error.

Kept in the database (not in memory) so operators and the `/v1/observations/sources` endpoint
see the same state after a restart, and so `stale` is a recorded fact, not a guess.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from lumbung_shared.mongo import Document
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_weather_alerts.domain.feed import FeedStatus, feed_status

MAX_ERROR_LENGTH = 300


class FeedSourceRepository:
    """One document per feed URL."""

    def __init__(self, collection: AsyncCollection[Document], stale_after: timedelta) -> None:
        self._collection = collection
        self._stale_after = stale_after

    async def get(self, url: str) -> Document | None:
        return await self._collection.find_one({"_id": url})

    async def record_failure(self, url: str, error: str, now: datetime) -> FeedStatus:
        """A poll that got nothing usable: the feed keeps its last good state, maybe stale."""
        status = await self._status_after(url, now, new_issue=False)
        await self._collection.update_one(
            {"_id": url},
            {
                "$set": {
                    "last_attempt_at": now,
                    "last_error": error[:MAX_ERROR_LENGTH],
                    "status": status.value,
                },
                "$inc": {"consecutive_failures": 1},
            },
            upsert=True,
        )
        return status

    async def record_success(
        self, url: str, issued_at: datetime, now: datetime, accepted: int, skipped: int
    ) -> FeedStatus:
        """A poll that read the feed; new content (a new `issued_at`) makes it fresh again."""
        previous = await self.get(url)
        new_issue = previous is None or previous.get("last_issued_at") != issued_at
        status = await self._status_after(url, now, new_issue=new_issue)
        changes: Document = {
            "last_attempt_at": now,
            "last_success_at": now,
            "last_issued_at": issued_at,
            "last_error": None,
            "consecutive_failures": 0,
            "status": status.value,
        }
        if new_issue:
            changes.update(last_new_issue_at=now, accepted=accepted, skipped=skipped)
        await self._collection.update_one({"_id": url}, {"$set": changes}, upsert=True)
        return status

    async def last_issued_at(self, url: str) -> datetime | None:
        doc = await self.get(url)
        return None if doc is None else doc.get("last_issued_at")

    async def all(self, now: datetime) -> list[Document]:
        """Every feed's state, with the status as of `now`."""
        states = []
        async for doc in self._collection.find({}).limit(100):
            states.append(
                {
                    "url": doc["_id"],
                    "status": feed_status(doc.get("last_new_issue_at"), now, self._stale_after),
                    "consecutive_failures": doc.get("consecutive_failures", 0),
                    "accepted": doc.get("accepted", 0),
                    "skipped": doc.get("skipped", 0),
                    **{
                        key: doc.get(key)
                        for key in (
                            "last_attempt_at",
                            "last_success_at",
                            "last_new_issue_at",
                            "last_issued_at",
                            "last_error",
                        )
                    },
                }
            )
        return states

    async def _status_after(self, url: str, now: datetime, *, new_issue: bool) -> FeedStatus:
        if new_issue:
            return FeedStatus.FRESH
        doc = await self.get(url)
        last = None if doc is None else doc.get("last_new_issue_at")
        return feed_status(last, now, self._stale_after)
