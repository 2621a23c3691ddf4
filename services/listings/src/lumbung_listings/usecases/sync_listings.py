"""Offline sync: every settled change after a phone's cursor, with tombstones for listings to drop.

The rules (settle window, sync from scratch, cursor expiry) are in `domain.sync`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lumbung_shared.clock import utc_now
from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.sync import (
    SyncScope,
    begin,
    decode_sync_cursor,
    encode_sync_cursor,
    ensure_fresh,
    next_cursor,
    settled_before,
)
from lumbung_listings.storage.search import ListingSearch


@dataclass(frozen=True)
class SyncBatch:
    """Listings to keep, listings to drop, and where the next sync starts."""

    kept: list[Document]
    removed: list[Document]
    next_cursor: str
    has_more: bool


class SyncListings:
    """Changes after `token` in the caller's scope, oldest first."""

    def __init__(
        self,
        search: ListingSearch,
        settle: timedelta,
        retention: timedelta,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._search = search
        self._settle = settle
        self._retention = retention
        self._clock = clock

    async def __call__(
        self, caller: Identity, seller_id: str | None, token: str, size: int
    ) -> SyncBatch:
        now = self._clock()
        since = decode_sync_cursor(token)
        ensure_fresh(since, now, self._retention)
        own = seller_id is not None and (seller_id == caller.subject or caller.is_admin)
        scope = SyncScope.of(seller_id, own)
        boundary = settled_before(now, self._settle)
        since = begin(since, boundary)
        rows, last, more = await self._search.changes(scope, since, boundary, size)
        kept = [row for row in rows if scope.keeps(row)]
        removed = [row for row in rows if not scope.keeps(row)]
        following = next_cursor(since, last, more, boundary)
        return SyncBatch(kept, removed, encode_sync_cursor(following), more)
