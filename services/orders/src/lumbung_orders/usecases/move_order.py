"""A person's move on an order: confirm, decline, ship, deliver or cancel.

The caller must be able to see the order (else 404, whether or not it exists); the state table
in `domain.states` decides whether their role may make the move. The move and its events are one
guarded write (`usecases.order_changes`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum

from lumbung_shared.identity import Identity

from lumbung_orders.domain.access import actor_of
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.states import Actor
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.usecases.order_changes import OrderChanges, change_for


class OrderMove(StrEnum):
    """The moves people make on an order (the path segment of their route)."""

    CONFIRM = "confirm"
    DECLINE = "decline"
    SHIP = "ship"
    DELIVER = "deliver"
    CANCEL = "cancel"


Move = Callable[[Order, Actor, str, datetime, str | None], list[OrderEvent]]
"""One move: the order, the actor the caller acts as, their id, now, and why (if given)."""

_MOVES: dict[OrderMove, Move] = {
    OrderMove.CONFIRM: lambda order, actor, who, at, _: order.confirm(actor, who, at),
    OrderMove.DECLINE: lambda order, actor, who, at, why: order.decline(actor, who, at, why),
    OrderMove.SHIP: lambda order, actor, who, at, _: order.ship(actor, who, at),
    OrderMove.DELIVER: lambda order, actor, who, at, _: order.deliver(actor, who, at),
    OrderMove.CANCEL: lambda order, actor, who, at, why: order.cancel(actor, who, at, why),
}


class MoveOrder:
    """Makes one person's move on a visible order, as the actor their role makes them."""

    def __init__(self, changes: OrderChanges) -> None:
        self._changes = changes

    async def __call__(
        self, order_id: str, move: OrderMove, caller: Identity, reason: str | None = None
    ) -> StoredOrder:
        actor = actor_of(caller)
        make = _MOVES[move]

        def decide(order: Order) -> list[OrderEvent]:
            return make(order, actor, caller.subject, datetime.now(UTC), reason)

        return await change_for(self._changes, order_id, decide, caller)
