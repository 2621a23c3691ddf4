"""Cursor paging and `since` sync over orders.

Without `since`, newest orders first (by `placed_at`, then id). With `since`, every order
changed at or after that moment, oldest change first (by `updated_at`, then id), so a phone can
sync only what changed since its last sync; it resumes with the last `updated_at` it saw.
The cursor is the sort key of the last item, opaque (base64 JSON) to clients.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lumbung_shared.errors import DomainError, Message
from pymongo import ASCENDING, DESCENDING

from lumbung_orders.storage.orders import StoredOrder

Document = dict[str, Any]


@dataclass(frozen=True)
class Paging:
    """Sort and resume conditions for one listing request."""

    field: str
    descending: bool

    @classmethod
    def for_request(cls, since: datetime | None) -> Paging:
        return cls("updated_at", False) if since is not None else cls("placed_at", True)

    @property
    def sort(self) -> list[tuple[str, int]]:
        direction = DESCENDING if self.descending else ASCENDING
        return [(self.field, direction), ("_id", direction)]

    def after(self, cursor: str | None) -> Document:
        """The condition selecting items after the cursor (empty for the first page)."""
        if cursor is None:
            return {}
        at, last_id = _decode(cursor, self.field)
        beyond = "$lt" if self.descending else "$gt"
        return {"$or": [{self.field: {beyond: at}}, {self.field: at, "_id": {beyond: last_id}}]}

    def cursor_of(self, last: StoredOrder) -> str:
        at = last.updated_at if self.field == "updated_at" else last.order.placed_at
        raw = json.dumps({"f": self.field, "t": at.isoformat(), "i": last.order.order_id})
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, field: str) -> tuple[datetime, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if raw["f"] != field:
            raise ValueError("cursor from another listing order")
        return datetime.fromisoformat(raw["t"]), str(raw["i"])
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise DomainError(
            code="invalid-cursor",
            message=Message(id="Kursor halaman tidak valid.", en="The page cursor is not valid."),
            status=422,
        ) from exc
