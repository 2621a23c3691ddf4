"""The saga backlog as a specification: slots taken by placing, freed by a decision or in time."""

from __future__ import annotations

import pytest
from lumbung_orders.domain.saga_backlog import SagaBacklog, SagaBacklogFullError


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def backlog(limit: int = 2, slot_seconds: float = 5.0) -> tuple[SagaBacklog, Clock]:
    clock = Clock()
    return SagaBacklog(limit, slot_seconds, clock), clock


class TestTakingSlots:
    def test_each_placed_order_holds_a_slot(self) -> None:
        orders, _ = backlog()
        orders.take(["o-1"])
        assert orders.undecided == 1
        assert not orders.full

    def test_a_checkout_is_refused_once_the_limit_is_reached(self) -> None:
        orders, _ = backlog(limit=2)
        orders.take(["o-1"])
        orders.take(["o-2"])
        assert orders.full
        with pytest.raises(SagaBacklogFullError):
            orders.take(["o-3"])
        assert orders.undecided == 2

    def test_a_cart_of_several_sellers_holds_one_slot_per_order_and_may_pass_the_limit(
        self,
    ) -> None:
        orders, _ = backlog(limit=2)
        orders.take(["o-1"])
        orders.take(["o-2", "o-3", "o-4"])  # one free slot admits the whole cart
        assert orders.undecided == 4
        with pytest.raises(SagaBacklogFullError):
            orders.take(["o-5"])


class TestFreeingSlots:
    def test_a_decision_frees_the_orders_slot(self) -> None:
        orders, _ = backlog(limit=1)
        orders.take(["o-1"])
        orders.settle(["o-1"])
        assert orders.undecided == 0
        orders.take(["o-2"])

    def test_a_decision_for_an_order_not_held_here_changes_nothing(self) -> None:
        orders, _ = backlog()
        orders.take(["o-1"])
        orders.settle(["placed-by-another-replica"])
        orders.settle(["o-1"])
        orders.settle(["o-1"])  # a redelivered reply
        assert orders.undecided == 0

    def test_a_slot_lapses_after_its_time_when_no_decision_is_seen(self) -> None:
        orders, clock = backlog(limit=1, slot_seconds=5.0)
        orders.take(["o-1"])
        clock.now += 4.9
        assert orders.full
        clock.now += 0.1
        assert not orders.full
        orders.take(["o-2"])
        assert orders.undecided == 1

    def test_slots_lapse_in_the_order_they_were_taken(self) -> None:
        orders, clock = backlog(limit=3, slot_seconds=5.0)
        orders.take(["o-1"])
        clock.now += 2
        orders.take(["o-2"])
        clock.now += 3
        assert orders.undecided == 1  # o-1 lapsed, o-2 has 2 s left
        clock.now += 2
        assert orders.undecided == 0
