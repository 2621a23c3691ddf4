"""Offline sync as a use case: what it asks the store for and what it answers the phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from lumbung_listings.domain.search import micros
from lumbung_listings.domain.sync import (
    SyncCursor,
    SyncCursorExpiredError,
    SyncScope,
    decode_sync_cursor,
    encode_sync_cursor,
)
from lumbung_listings.storage.search import ListingSearch
from lumbung_listings.usecases.sync_listings import SyncListings
from lumbung_shared.identity import Identity, Role
from lumbung_shared.mongo import Document

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SETTLE = timedelta(milliseconds=250)
RETENTION = timedelta(days=30)
SELLER = Identity(subject="farmer-1", role=Role.FARMER)
BUYER = Identity(subject="buyer-1", role=Role.BUYER)


class _Changes:
    """The store's changes, answering one prepared page and recording what it was asked."""

    def __init__(self, rows: list[Document], more: bool = False) -> None:
        self.rows = rows
        self.more = more
        self.asked: list[tuple[SyncScope, SyncCursor, int, int]] = []

    async def changes(
        self, scope: SyncScope, since: SyncCursor, boundary: int, size: int
    ) -> tuple[list[Document], SyncCursor | None, bool]:
        self.asked.append((scope, since, boundary, size))
        if not self.rows:
            return [], None, False
        last = self.rows[-1]
        return self.rows, SyncCursor(micros(last["updated_at"]), last["_id"]), self.more


def listing(listing_id: str, status: str, at: datetime, deleted: bool = False) -> Document:
    return {"_id": listing_id, "status": status, "deleted": deleted, "updated_at": at}


def sync(store: _Changes) -> SyncListings:
    return SyncListings(cast(ListingSearch, cast(Any, store)), SETTLE, RETENTION, lambda: NOW)


BOUNDARY = micros(NOW - SETTLE)


class TestSyncListings:
    async def test_from_scratch_reads_settled_changes_from_the_origin(self) -> None:
        store = _Changes([listing("a", "active", NOW - timedelta(days=2))])
        batch = await sync(store)(SELLER, "farmer-1", "0", 20)
        scope, since, boundary, size = store.asked[0]
        assert scope == SyncScope.of("farmer-1", own=True)
        assert since == SyncCursor(0, "", origin=BOUNDARY)
        assert (boundary, size) == (BOUNDARY, 20)
        assert [row["_id"] for row in batch.kept] == ["a"]
        assert decode_sync_cursor(batch.next_cursor) == SyncCursor(BOUNDARY, "")
        assert batch.has_more is False

    async def test_splits_kept_listings_from_tombstones(self) -> None:
        at = NOW - timedelta(seconds=5)
        rows = [
            listing("a", "active", at),
            listing("b", "paused", at),
            listing("c", "active", at, deleted=True),
        ]
        since = encode_sync_cursor(SyncCursor(micros(NOW - timedelta(hours=1)), "x"))
        batch = await sync(_Changes(rows))(BUYER, "farmer-1", since, 20)
        assert [row["_id"] for row in batch.kept] == ["a"]
        assert [row["_id"] for row in batch.removed] == ["b", "c"]

    async def test_a_full_page_says_more_and_resumes_after_its_last_row(self) -> None:
        at = NOW - timedelta(seconds=5)
        store = _Changes([listing("a", "active", at), listing("b", "active", at)], more=True)
        batch = await sync(store)(BUYER, None, "0", 2)
        assert batch.has_more is True
        following = decode_sync_cursor(batch.next_cursor)
        assert following == SyncCursor(micros(at), "b", origin=BOUNDARY)

    async def test_a_cursor_older_than_the_retention_is_refused_before_reading(self) -> None:
        store = _Changes([])
        old = encode_sync_cursor(SyncCursor(micros(NOW - RETENTION - timedelta(hours=1)), "x"))
        with pytest.raises(SyncCursorExpiredError):
            await sync(store)(SELLER, "farmer-1", old, 20)
        assert store.asked == []
