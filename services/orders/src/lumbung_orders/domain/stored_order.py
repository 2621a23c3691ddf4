"""An order as read from the store, with the version its next change must be guarded by.

Pure data, so routes can render it and use cases decide on it without importing storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lumbung_orders.domain.order import Order


@dataclass(frozen=True)
class StoredOrder:
    """An order as read, with the version a change must be guarded by."""

    order: Order
    version: int
    updated_at: datetime
