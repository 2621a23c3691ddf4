"""Applying one decision of the `Order` aggregate to the stored order, safely under races.

Routes, Kafka handlers, the expiry sweeper and the sea-alert handler all change orders the same
way: read the order, let the aggregate decide (it raises for forbidden moves), write the result
and its events guarded by the version read. When another writer got there first the decision
is taken again on the fresh state — so, for example, a seller confirming at the same moment the
sweeper expires the order ends with exactly one of the two, never both.

Every change passes here, so this is also where checkout's saga backlog learns that an order is
no longer pending (reserved, rejected, timed out or cancelled) and frees its slot, and where
each state change is counted (`OrderTransitions`): once it is written, never for a decision that
changed nothing (a replay) or a write that lost its race (decided again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final, Protocol

from lumbung_shared.errors import ConflictError, Message, NotFoundError
from lumbung_shared.identity import Identity
from lumbung_shared.kafka import TransientError

from lumbung_orders.domain.access import may_see
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.saga_backlog import SagaBacklog
from lumbung_orders.domain.states import OrderState
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.domain.timeline import moves_since
from lumbung_orders.messaging.wire import OrderWire
from lumbung_orders.storage.orders import OrderRepository

log = logging.getLogger(__name__)

MAX_ATTEMPTS: Final = 8

Decision = Callable[[Order], list[OrderEvent]]
"""Mutates the order it is given and returns the events to emit (may raise DomainError)."""


class OrderTransitions(Protocol):
    """Told of every state change that was written (the service's metrics count them)."""

    def counted(self, source: OrderState, target: OrderState) -> None: ...


class _Uncounted:
    def counted(self, source: OrderState, target: OrderState) -> None:
        del source, target


class OrderChanges:
    """The one way orders change: decide on the fresh order, write it and its events guarded."""

    def __init__(
        self,
        repository: OrderRepository,
        wire: OrderWire,
        backlog: SagaBacklog | None = None,
        transitions: OrderTransitions | None = None,
    ) -> None:
        self._orders = repository
        self._wire = wire
        self._backlog = backlog
        self._transitions = transitions or _Uncounted()

    async def change(
        self, order_id: str, decide: Decision, identity: Identity | None = None
    ) -> StoredOrder:
        """Apply `decide` to the current order and store it with its events, retrying races."""
        for _ in range(MAX_ATTEMPTS):
            stored = await self._load(order_id, identity)
            order = stored.order.model_copy(deep=True)
            events = decide(order)
            if not events and order == stored.order:
                return self._seen(stored)
            saved = await self._orders.save(stored, order, self._wire.envelopes(order, events))
            if saved is not None:
                steps = saved.order.timeline[len(stored.order.timeline) :]
                for source, target in moves_since(stored.order.state, steps):
                    self._transitions.counted(source, target)
                return self._seen(saved)
            log.info("order changed concurrently; deciding again", extra={"order_id": order_id})
        raise TransientError(f"order {order_id} kept changing under {MAX_ATTEMPTS} attempts")

    def _seen(self, stored: StoredOrder) -> StoredOrder:
        """Free the order's backlog slot once its stock decision is stored."""
        if self._backlog is not None and stored.order.state is not OrderState.PENDING:
            self._backlog.settle([stored.order.order_id])
        return stored

    async def _load(self, order_id: str, identity: Identity | None) -> StoredOrder:
        """The order, if it exists and (for a caller) they may see it; 404 otherwise (BOLA)."""
        stored = await self._orders.get(order_id)
        if stored is None or (identity is not None and not may_see(identity, stored.order)):
            raise NotFoundError("Pesanan", "Order")
        return stored


async def change_for(
    changes: OrderChanges, order_id: str, decide: Decision, caller: Identity
) -> StoredOrder:
    """`OrderChanges.change` for a person's request: a hopeless race is a 409 to retry."""
    try:
        return await changes.change(order_id, decide, caller)
    except TransientError as exc:
        raise BUSY from exc


BUSY: Final = ConflictError(
    "order-busy",
    Message(id="Pesanan sedang diubah; coba lagi.", en="The order is being changed; try again."),
)
