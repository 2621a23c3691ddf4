"""The orders service's own Prometheus families, registered in the process's one registry.

`lumbung_order_transitions_total{service, from_state, to_state}` counts the state changes that
were written (`usecases.order_changes` tells it of each). Its labels are the state table's moves
(`domain.states.TRANSITIONS`), so the series are bounded by design, and every legal move is
created at start-up: a scrape shows each at 0 before any order moved, and `rate()` sees the
first one.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

from lumbung_orders.domain.states import TRANSITIONS, OrderState

ORDER_TRANSITIONS = "lumbung_order_transitions"
"""Exposed as `lumbung_order_transitions_total`."""


class OrderTransitionCounter:
    """`OrderTransitions` as a Prometheus counter, one child per move of the state table."""

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self._service = service
        self._counter = Counter(
            ORDER_TRANSITIONS,
            "Order state changes written, by the state left and the state entered",
            ["service", "from_state", "to_state"],
            registry=registry,
        )
        self._moves = {
            (rule.source, rule.target): self._child(rule.source, rule.target)
            for rule in TRANSITIONS
        }

    def counted(self, source: OrderState, target: OrderState) -> None:
        move = self._moves.get((source, target)) or self._child(source, target)
        move.inc()

    def _child(self, source: OrderState, target: OrderState) -> Counter:
        return self._counter.labels(self._service, source.value, target.value)
