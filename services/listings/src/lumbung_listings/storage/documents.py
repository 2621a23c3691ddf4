"""What every listings repository hides from clients: the outbox and stock bookkeeping."""

from __future__ import annotations

from lumbung_shared.mongo import Document

HIDDEN_FIELDS = {"outbox": 0, "outbox_pending": 0, "outbox_lease_until": 0, "reserved_orders": 0}


def public(doc: Document) -> Document:
    """The document without the bookkeeping that clients never see."""
    return {key: value for key, value in doc.items() if key not in HIDDEN_FIELDS}
