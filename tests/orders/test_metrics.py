"""Order transitions are counted once per written state change, by state left and entered."""

from __future__ import annotations

from typing import cast

import pytest
from lumbung_orders.domain.states import TRANSITIONS, Actor, OrderState
from lumbung_orders.messaging.wire import OrderWire
from lumbung_orders.metrics import ORDER_TRANSITIONS, OrderTransitionCounter
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.usecases.move_order import MoveOrder, OrderMove
from lumbung_orders.usecases.order_changes import OrderChanges
from lumbung_orders.usecases.record_payment import MoneyMove, PaymentNotice, RecordPayment
from lumbung_shared.errors import NotFoundError
from lumbung_shared.identity import Identity, Role
from lumbung_shared.metrics import new_registry
from prometheus_client import CollectorRegistry

from tests.orders.usecases.test_people_and_money_moves import (
    NOBODY,
    SELLER,
    MemoryOrders,
    an_order,
)


def moves(registry: CollectorRegistry, source: OrderState, target: OrderState) -> float:
    value = registry.get_sample_value(
        f"{ORDER_TRANSITIONS}_total",
        {"service": "orders", "from_state": source.value, "to_state": target.value},
    )
    assert value is not None, (source, target)
    return value


def total(registry: CollectorRegistry) -> float:
    return sum(moves(registry, rule.source, rule.target) for rule in TRANSITIONS)


def counted_changes() -> tuple[CollectorRegistry, MemoryOrders, OrderChanges]:
    registry = new_registry()
    store = MemoryOrders(an_order())
    counter = OrderTransitionCounter(registry, "orders")
    changes = OrderChanges(
        cast(OrderRepository, store), OrderWire(producer="orders"), None, counter
    )
    return registry, store, changes


class TestOrderTransitionCounter:
    def test_every_move_of_the_state_table_scrapes_as_zero_from_the_start(self) -> None:
        registry = new_registry()
        OrderTransitionCounter(registry, "orders")
        assert {moves(registry, rule.source, rule.target) for rule in TRANSITIONS} == {0.0}

    async def test_a_written_move_counts_once(self) -> None:
        registry, _, changes = counted_changes()
        await MoveOrder(changes)("o-1", OrderMove.CONFIRM, SELLER)
        assert moves(registry, OrderState.RESERVED, OrderState.CONFIRMED) == 1.0

    async def test_a_payment_moves_no_state_so_counts_nothing_even_replayed(self) -> None:
        registry, _, changes = counted_changes()
        record = RecordPayment(changes)
        notice = PaymentNotice(
            actor=Actor.SYSTEM, caller=NOBODY, order_id="o-1", amount=64000, callback_id="cb-1"
        )
        first = await record("o-1", MoneyMove.PAID, notice)
        again = await record("o-1", MoneyMove.PAID, notice)
        assert (first.replayed, again.replayed, total(registry)) == (False, True, 0.0)

    async def test_two_moves_count_each_move_they_made(self) -> None:
        registry, _, changes = counted_changes()
        move = MoveOrder(changes)
        await move("o-1", OrderMove.CONFIRM, SELLER)
        await move("o-1", OrderMove.SHIP, SELLER)
        assert (
            moves(registry, OrderState.RESERVED, OrderState.CONFIRMED),
            moves(registry, OrderState.CONFIRMED, OrderState.SHIPPED),
            total(registry),
        ) == (1.0, 1.0, 2.0)

    async def test_a_refused_move_counts_nothing(self) -> None:
        registry, _, changes = counted_changes()
        stranger = Identity(subject="buyer-2", role=Role.BUYER)
        with pytest.raises(NotFoundError):
            await MoveOrder(changes)("o-1", OrderMove.CANCEL, stranger)
        assert total(registry) == 0.0
