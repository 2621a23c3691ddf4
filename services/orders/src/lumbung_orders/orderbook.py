"""Applying one decision of the `Order` aggregate to the stored order, safely under races.

Routes, Kafka handlers, the expiry sweeper and the sea-alert handler all change orders the same
way: read the order, let the aggregate decide (it raises for forbidden moves), write the result
and its events guarded by the version read. When another writer got there first the decision
is taken again on the fresh state — so, for example, a seller confirming at the same moment the
sweeper expires the order ends with exactly one of the two, never both.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

from lumbung_shared.errors import ConflictError, Message, NotFoundError
from lumbung_shared.kafka import TransientError
from lumbung_shared.web.identity import Identity, Role

from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.states import Actor
from lumbung_orders.messaging.wire import envelopes
from lumbung_orders.storage.orders import OrderRepository, StoredOrder

log = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 8

Decision = Callable[[Order], list[OrderEvent]]
"""Mutates the order it is given and returns the events to emit (may raise DomainError)."""

ACTOR_BY_ROLE: Final = {
    Role.BUYER: Actor.BUYER,
    Role.FARMER: Actor.SELLER,
    Role.FISHER: Actor.SELLER,
    Role.ADMIN: Actor.ADMIN,
}


def actor_of(identity: Identity) -> Actor:
    """The order actor a caller acts as; other roles have no business with orders."""
    actor = ACTOR_BY_ROLE.get(identity.role)
    if actor is None:
        raise NotFoundError("Pesanan", "Order")
    return actor


def may_see(identity: Identity, order: Order) -> bool:
    """Admins see every order; a buyer only theirs, a seller only orders placed with them."""
    if identity.role is Role.ADMIN:
        return True
    if identity.role is Role.BUYER:
        return order.buyer_id == identity.subject
    if identity.is_seller:
        return order.seller_id == identity.subject
    return False


class OrderBook:
    """The orders as the rest of the service changes them."""

    def __init__(self, repository: OrderRepository) -> None:
        self.repository = repository

    async def visible(self, order_id: str, identity: Identity) -> StoredOrder:
        """The order if the caller may see it; 404 otherwise, whether or not it exists (BOLA)."""
        stored = await self.repository.get(order_id)
        if stored is None or not may_see(identity, stored.order):
            raise NotFoundError("Pesanan", "Order")
        return stored

    async def change(
        self, order_id: str, decide: Decision, identity: Identity | None = None
    ) -> StoredOrder:
        """Apply `decide` to the current order and store it with its events, retrying races."""
        for _ in range(MAX_ATTEMPTS):
            stored = (
                await self.visible(order_id, identity)
                if identity is not None
                else await self._require(order_id)
            )
            order = stored.order.model_copy(deep=True)
            events = decide(order)
            if not events and order == stored.order:
                return stored
            saved = await self.repository.save(stored, order, envelopes(order, events))
            if saved is not None:
                return saved
            log.info("order changed concurrently; deciding again", extra={"order_id": order_id})
        raise TransientError(f"order {order_id} kept changing under {MAX_ATTEMPTS} attempts")

    async def _require(self, order_id: str) -> StoredOrder:
        stored = await self.repository.get(order_id)
        if stored is None:
            raise NotFoundError("Pesanan", "Order")
        return stored


BUSY: Final = ConflictError(
    "order-busy",
    Message(id="Pesanan sedang diubah; coba lagi.", en="The order is being changed; try again."),
)
