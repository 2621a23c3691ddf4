"""Offline sync: everything that changed since the phone last asked, deletions included.

A phone keeps a copy of listings and asks `since=<cursor>`; the answer is every listing whose
`updated_at` is after the cursor, in change order, as the full listing when the phone may keep
it and as a tombstone (id, status, removed) when it must drop it — deleted, archived, or (for a
buyer's public copy) no longer on sale. Changes of the last `SETTLE` are held back: a write that
started earlier but lands later would otherwise slip behind a cursor already handed out.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import timedelta

from lumbung_listings.domain.search import bad_cursor

SYNC_CURSOR_VERSION = 1
FROM_THE_START = "0"
SETTLE = timedelta(seconds=2)
MAX_CURSOR_LENGTH = 200
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MAX_KEY = 2**63 - 1


@dataclass(frozen=True)
class SyncCursor:
    """The last change a phone has seen: its `updated_at` (µs since epoch) and listing id."""

    key: int
    id: str


START = SyncCursor(key=0, id="")


def encode_sync_cursor(cursor: SyncCursor) -> str:
    """An opaque, URL-safe token the phone stores until its next sync."""
    raw = json.dumps(["s", SYNC_CURSOR_VERSION, cursor.key, cursor.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_sync_cursor(token: str) -> SyncCursor:
    """A cursor made by `encode_sync_cursor`, or `START` for "0"; anything else is a 422."""
    if token == FROM_THE_START:
        return START
    try:
        if not 0 < len(token) <= MAX_CURSOR_LENGTH:
            raise ValueError("length")
        raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
        tag, version, key, row_id = json.loads(raw)
        if tag != "s" or version != SYNC_CURSOR_VERSION or type(key) is not int:
            raise ValueError("shape")
        if not 0 <= key <= _MAX_KEY or not isinstance(row_id, str) or not _ID.fullmatch(row_id):
            raise ValueError("values")
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise bad_cursor() from None
    cursor = SyncCursor(key, row_id)
    if encode_sync_cursor(cursor) != token:
        raise bad_cursor()
    return cursor
