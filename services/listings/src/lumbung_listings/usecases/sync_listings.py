"""Offline sync: every change after a phone's cursor, with tombstones for listings to drop.

A seller syncing their own listings keeps every status but archived; everyone else keeps only
active ones, and is told to drop the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.sync import START, decode_sync_cursor, encode_sync_cursor
from lumbung_listings.storage.search import ListingSearch

PUBLIC_SYNC_STATUSES = [s.value for s in Status if s is not Status.DRAFT]


@dataclass(frozen=True)
class SyncBatch:
    """Listings to keep, listings to drop, and where the next sync starts."""

    kept: list[Document]
    removed: list[Document]
    next_cursor: str
    has_more: bool


class SyncListings:
    """Changes after `token` in the caller's scope, oldest first."""

    def __init__(self, search: ListingSearch) -> None:
        self._search = search

    async def __call__(
        self, caller: Identity, seller_id: str | None, token: str, size: int
    ) -> SyncBatch:
        since = decode_sync_cursor(token)
        own = seller_id is not None and (seller_id == caller.subject or caller.is_admin)
        statuses = None if own else PUBLIC_SYNC_STATUSES
        rows, last, more = await self._search.changes(statuses, seller_id, since, size)
        kept: list[Document] = []
        removed: list[Document] = []
        for row in rows:
            keep = not row.get("deleted") and (
                row["status"] != Status.ARCHIVED.value
                if own
                else row["status"] == Status.ACTIVE.value
            )
            (kept if keep else removed).append(row)
        # The given token when nothing changed (also for "from the start").
        next_cursor = token if last == START else encode_sync_cursor(last)
        return SyncBatch(kept, removed, next_cursor, more)
