"""Offline sync: everything that changed since the phone last asked, deletions included.

A phone keeps a copy of listings and asks `since=<cursor>`; the answer is every listing whose
`updated_at` is after the cursor, in change order, as the full listing when the phone may keep
it and as a tombstone (id, status, removed) when it must drop it — deleted, archived, or (for a
buyer's public copy) no longer on sale.

Why a settle window at all: a writer stamps `updated_at` from its own clock a moment before the
write lands, and replicas' clocks differ by a few milliseconds. A sync that handed out a cursor
past `t` while a write stamped `t` was still in flight would skip that write for ever, so a
sync reads only changes older than the window (`LISTINGS_SYNC_SETTLE_SECONDS`) and never
hands out a cursor past it. The window must exceed the worst write latency plus clock offset;
its default (0.25 s) is many times both and still lets a change show within half a second.

A phone starting from scratch (`since=0`) gets live listings only: tombstones stamped before
its first page (its `origin`) are for listings it never had. Tombstones are kept for the
retention (`LISTINGS_TOMBSTONE_RETENTION_DAYS`) and then purged, so a cursor older than that
may have missed one: it is refused with a 410 and the phone resyncs from scratch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from lumbung_shared.cursors import InvalidCursorError
from lumbung_shared.cursors import decode_cursor as decode_token
from lumbung_shared.cursors import encode_cursor as encode_token
from lumbung_shared.errors import DomainError, Message

from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.search import bad_cursor, is_key, is_row_id, micros

SYNC_CURSOR_VERSION = 2
FROM_THE_START = "0"
MAX_CURSOR_LENGTH = 200
GONE = 410
PURGE_MARGIN = timedelta(hours=1)
"""Tombstones outlive the retention by this much (a tenth of a shorter retention), so a replica
whose clock runs a little ahead never purges one that a cursor accepted elsewhere still needs."""

OWN_KEPT = frozenset(s.value for s in Status if s is not Status.ARCHIVED)
PUBLIC_KEPT = frozenset({Status.ACTIVE.value, Status.PRE_LISTED.value})
PUBLIC_SYNCED = frozenset(s.value for s in Status if s is not Status.DRAFT)


@dataclass(frozen=True)
class SyncCursor:
    """Where a phone's copy stands: the last change it has seen, and where its copy began.

    `key` is that change's `updated_at` (µs since the epoch) and `id` its listing ("" when the
    cursor was moved forward to a settled moment rather than to a row). `origin` (µs) is set
    while a sync from scratch is still walking: tombstones at or before it are left out.
    """

    key: int
    id: str
    origin: int | None = None

    @property
    def horizon(self) -> int:
        """Up to when the phone is sure to know every tombstone it needs."""
        return max(self.key, self.origin or 0)


START = SyncCursor(key=0, id="")


@dataclass(frozen=True)
class SyncScope:
    """Whose listings a sync covers, which statuses it sends, and which ones the phone keeps.

    A seller syncing their own listings keeps every status but archived; everyone else is
    sent every published listing and keeps only active ones (the rest become tombstones).
    """

    statuses: list[str] | None
    seller_id: str | None
    kept: frozenset[str]

    @classmethod
    def of(cls, seller_id: str | None, own: bool) -> SyncScope:
        statuses = None if own else sorted(PUBLIC_SYNCED)
        return cls(statuses, seller_id, OWN_KEPT if own else PUBLIC_KEPT)

    def keeps(self, row: Mapping[str, Any]) -> bool:
        """Whether the phone keeps this stored listing (else it gets a tombstone)."""
        return not row.get("deleted") and row["status"] in self.kept


class SyncCursorExpiredError(DomainError):
    """The cursor is older than the tombstone retention: deletions may have been forgotten."""

    def __init__(self) -> None:
        super().__init__(
            code="sync-cursor-expired",
            message=Message(
                id="Data di ponsel sudah terlalu lama tidak disinkronkan; "
                "sinkronkan ulang dari awal (since=0).",
                en="This copy has not been synced for too long; resync from scratch (since=0).",
            ),
            status=GONE,
            extra={"resync_since": FROM_THE_START},
        )


def encode_sync_cursor(cursor: SyncCursor) -> str:
    """An opaque, URL-safe token the phone stores until its next sync."""
    key: dict[str, object] = {"v": SYNC_CURSOR_VERSION, "since": cursor.key, "i": cursor.id}
    if cursor.origin is not None:
        key["o"] = cursor.origin
    return encode_token(key)


def decode_sync_cursor(token: str) -> SyncCursor:
    """A cursor made by `encode_sync_cursor`, or `START` for "0"; anything else is a 422."""
    if token == FROM_THE_START:
        return START
    try:
        cursor = _parse(token)
    except (InvalidCursorError, ValueError):
        raise bad_cursor() from None
    if encode_sync_cursor(cursor) != token:
        raise bad_cursor()
    return cursor


def _parse(token: str) -> SyncCursor:
    if not 0 < len(token) <= MAX_CURSOR_LENGTH:
        raise ValueError("length")
    raw = decode_token(token)
    if raw.keys() - {"o"} != {"v", "since", "i"} or raw["v"] != SYNC_CURSOR_VERSION:
        raise ValueError("shape")
    key, row_id, origin = raw["since"], raw["i"], raw.get("o")
    if not is_key(key, signed=False) or not is_row_id(row_id, empty=True):
        raise ValueError("values")
    if "o" in raw and not (is_key(origin, signed=False) and origin > key):
        raise ValueError("origin")
    return SyncCursor(key, row_id, origin)


def settled_before(now: datetime, settle: timedelta) -> int:
    """The moment (µs) before which every change has landed: now minus the settle window."""
    return micros(now - settle)


def begin(since: SyncCursor, boundary: int) -> SyncCursor:
    """The cursor a sync reads after: a sync from scratch begins its copy at `boundary`."""
    return SyncCursor(0, "", origin=boundary) if since == START else since


def ensure_fresh(since: SyncCursor, now: datetime, retention: timedelta) -> None:
    """Refuse (410) a cursor older than the retention; "from scratch" is never too old."""
    if since != START and since.horizon < micros(now - retention):
        raise SyncCursorExpiredError


def purge_before(now: datetime, retention: timedelta) -> datetime:
    """Tombstones stamped before this moment may be purged: no accepted cursor needs them."""
    return now - retention - min(PURGE_MARGIN, retention / 10)


def next_cursor(
    since: SyncCursor, last: SyncCursor | None, more: bool, boundary: int
) -> SyncCursor:
    """Where the phone resumes after this page.

    With more settled changes to come, right after the page's last row. Otherwise the cursor
    jumps forward to the settled boundary (everything before it has been sent), so the next
    sync does not rescan the same stretch and an idle phone's cursor does not age towards the
    retention; a cursor already past the boundary (another replica's clock) stays as it was.
    """
    if more and last is not None:
        origin = since.origin if since.origin is not None and since.origin > last.key else None
        return replace(last, origin=origin)
    if boundary > since.key:
        return SyncCursor(boundary, "")
    return since
