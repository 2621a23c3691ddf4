"""Small helpers every listings repository shares: timestamps, update merging, hidden fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lumbung_shared.errors import NotFoundError

Document = dict[str, Any]

HIDDEN_FIELDS = {"outbox": 0, "outbox_pending": 0, "outbox_lease_until": 0, "reserved_orders": 0}


class ListingNotFoundError(NotFoundError):
    """No such listing, or the caller may not know that it exists (404, never 403)."""

    def __init__(self) -> None:
        super().__init__("Iklan", "Listing")


class PhotoNotFoundError(NotFoundError):
    """No such photo on the listing."""

    def __init__(self) -> None:
        super().__init__("Foto", "Photo")


def now_ms() -> datetime:
    """The current UTC time cut to milliseconds, the precision BSON keeps.

    Cursors are built from stored timestamps; a value with microseconds would differ from what
    the database gives back and make keyset paging skip or repeat rows.
    """
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def merge_updates(*updates: Document) -> Document:
    """Combine update documents operator by operator (`$set` with `$set`, `$inc` with `$inc`).

    A state change and its outbox entry must be one update; both use `$push`/`$inc`, so they
    are merged field by field rather than one overwriting the other.
    """
    merged: Document = {}
    for update in updates:
        for operator, fields in update.items():
            merged.setdefault(operator, {}).update(fields)
    return merged


def public(doc: Document) -> Document:
    """The document without the bookkeeping that clients never see."""
    return {key: value for key, value in doc.items() if key not in HIDDEN_FIELDS}
