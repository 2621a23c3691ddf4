"""How many placed orders still wait for their stock decision: checkout's admission bound.

The stock saga decides roughly 8-14 orders/s on a small box, while checkout alone accepts three
times that: every order accepted beyond what the saga keeps up with only lengthens the queue in
front of it, until each order waits tens of seconds for `order.reserved`. So checkout places
new orders only while fewer than `limit` orders of this process are undecided; beyond it the
buyer gets a 429 with Retry-After at once, which costs no store call and no saga work.

Bookkeeping only, per process and in memory: a slot is taken per order placed, freed when this
process records the order's decision, and at the latest after `slot_seconds`, because with
several replicas another replica may consume the reply (and a crash mid-checkout must not hold
a slot for ever). Pure, with the clock injected, so its rules are tested as a specification.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable

Clock = Callable[[], float]
"""Seconds on a monotonic scale (`time.monotonic` in the service)."""


class SagaBacklogFullError(Exception):
    """This process already has `limit` orders waiting for their stock decision."""


class SagaBacklog:
    """Orders this process placed whose stock decision it has not seen, bounded by `limit`."""

    def __init__(self, limit: int, slot_seconds: float, clock: Clock) -> None:
        self._limit = limit
        self._slot_seconds = slot_seconds
        self._clock = clock
        self._due: OrderedDict[str, float] = OrderedDict()
        """Order id → when its slot lapses; oldest first, since every slot lasts as long."""

    @property
    def undecided(self) -> int:
        """Slots held now (lapsed ones dropped first)."""
        self._drop_lapsed()
        return len(self._due)

    @property
    def full(self) -> bool:
        """No new checkout may place orders now."""
        return self.undecided >= self._limit

    def take(self, order_ids: Iterable[str]) -> None:
        """Hold one slot per order of a checkout, or refuse the whole checkout.

        A checkout is admitted while a slot is free and then holds one per order, so a cart
        split across several sellers may go past `limit` by its size: refusing it until all
        its slots were free would starve big carts behind single-seller ones (and never admit
        a cart larger than `limit`); each order is one saga, so each holds its own slot.
        """
        if self.full:
            raise SagaBacklogFullError
        lapses = self._clock() + self._slot_seconds
        for order_id in order_ids:
            self._due[order_id] = lapses
            self._due.move_to_end(order_id)

    def settle(self, order_ids: Iterable[str]) -> None:
        """Free the slots of orders decided (or never placed); unknown ids are ignored."""
        for order_id in order_ids:
            self._due.pop(order_id, None)

    def _drop_lapsed(self) -> None:
        now = self._clock()
        while self._due:
            order_id, lapses = next(iter(self._due.items()))
            if lapses > now:
                return
            del self._due[order_id]
