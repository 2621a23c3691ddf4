"""What every listings repository hides from clients: the outbox and stock bookkeeping."""

from __future__ import annotations

from lumbung_shared.mongo import Document

RELEASED_ORDERS = "trip_released_orders"
"""On a trip's listing: orders released at its call-off or landing, which never take stock again."""
CREATION_FINGERPRINT = "creation_fingerprint"
"""On a trip's listing: the body it was created from, to answer a retried Idempotency-Key."""
CONTRIBUTIONS = "contributions"
"""On a pooled listing: each member's contribution (in the order made), what is left of it."""
POOL_HOLDS = "pool_holds"
"""On an aggregator's listing: per order holding units, whose units they are."""

HIDDEN_FIELDS = {
    "outbox": 0,
    "outbox_pending": 0,
    "outbox_lease_until": 0,
    "reserved_orders": 0,
    RELEASED_ORDERS: 0,
    CREATION_FINGERPRINT: 0,
    CONTRIBUTIONS: 0,
    POOL_HOLDS: 0,
}


def public(doc: Document) -> Document:
    """The document without the bookkeeping that clients never see."""
    return {key: value for key, value in doc.items() if key not in HIDDEN_FIELDS}
