"""Ending orders whose current step got no answer in time, so no order waits for ever.

A pending order without a stock decision by its reservation deadline is rejected (`timeout`),
and its `order.rejected` makes listings release anything it may hold; a reserved order the
seller did not confirm in time expires, and its stock goes back.
Every pass asks the database what is due (`expires_at` is stored on each such order), so a
restart loses nothing and several replicas may sweep at once: each expiry is the same
version-guarded change as any other, and a replica that loses the race finds the order no
longer reserved.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Final

from lumbung_shared.errors import DomainError

from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.usecases.order_changes import OrderChanges

log = logging.getLogger(__name__)

SWEEP_BATCH: Final = 200


async def expire_reservations(orders: OrderRepository, changes: OrderChanges, now: datetime) -> int:
    """End every pending or reserved order whose deadline passed by `now`; returns how many."""
    expired = 0
    for order_id in await orders.lapsed_ids(now, SWEEP_BATCH):
        try:
            await changes.change(order_id, lambda order: order.expire(now))
        except DomainError as exc:  # confirmed or cancelled meanwhile: nothing to expire
            log.info("order not expired", extra={"order_id": order_id, "reason": exc.code})
            continue
        expired += 1
    return expired
