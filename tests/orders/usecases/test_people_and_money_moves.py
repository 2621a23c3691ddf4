"""The move and payment use cases over an in-memory store: who may move an order, and a
provider callback changing an order at most once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import ListingSnapshot, PlaceOrderRequest, price_order
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.messaging.wire import OrderWire
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.usecases.move_order import MoveOrder, OrderMove
from lumbung_orders.usecases.order_changes import OrderChanges
from lumbung_orders.usecases.record_payment import MoneyMove, PaymentNotice, RecordPayment
from lumbung_shared.errors import DomainError, NotFoundError
from lumbung_shared.events import Envelope
from lumbung_shared.identity import Identity, Role

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
BUYER = Identity(subject="buyer-1", role=Role.BUYER)
SELLER = Identity(subject="farmer-1", role=Role.FARMER)
ADMIN = Identity(subject="admin-1", role=Role.ADMIN)
NOBODY = Identity(subject="", role=Role.ANONYMOUS)


class MemoryOrders:
    """The two calls `OrderChanges` makes, on one order; records every event saved."""

    def __init__(self, order: Order) -> None:
        self.stored = StoredOrder(order, 1, NOW)
        self.events: list[Envelope[Any]] = []

    async def get(self, order_id: str) -> StoredOrder | None:
        return self.stored if order_id == self.stored.order.order_id else None

    async def save(
        self, stored: StoredOrder, order: Order, events: Sequence[Envelope[Any]]
    ) -> StoredOrder | None:
        if stored.version != self.stored.version:
            return None
        self.stored = StoredOrder(order, stored.version + 1, NOW)
        self.events += events
        return self.stored


def an_order(payment: str = "bank_transfer") -> Order:
    request = PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": "l-1", "quantity": 2}],
            "delivery": {"method": "pickup", "region_code": "63.08"},
            "payment_method": payment,
        }
    )
    snapshot = ListingSnapshot(
        listing_id="l-1",
        seller_id=SELLER.subject,
        title="Bawang merah",
        kind="produce",
        unit="kg",
        price_per_unit=32000,
        status="active",
        origin_region="63.08",
        version=1,
    )
    [priced] = price_order(request, {"l-1": snapshot})
    order, _ = Order.place(
        order_id="o-1", buyer_id=BUYER.subject, priced=priced, request=request, at=NOW
    )
    order.on_stock_reserved(NOW)
    return order


def wired(order: Order) -> tuple[MemoryOrders, OrderChanges]:
    store = MemoryOrders(order)
    return store, OrderChanges(cast(OrderRepository, store), OrderWire(producer="orders"))


class TestMoveOrder:
    async def test_the_seller_confirms_as_the_seller(self) -> None:
        store, changes = wired(an_order())
        stored = await MoveOrder(changes)("o-1", OrderMove.CONFIRM, SELLER)
        assert stored.order.state is OrderState.CONFIRMED
        assert stored.order.timeline[-1].actor is Actor.SELLER
        assert [e.type for e in store.events] == ["order.confirmed"]
        assert store.events[0].producer == "orders"

    async def test_a_reason_reaches_the_timeline(self) -> None:
        _, changes = wired(an_order())
        stored = await MoveOrder(changes)("o-1", OrderMove.CANCEL, BUYER, "salah pesan")
        assert (stored.order.state, stored.order.timeline[-1].reason) == (
            OrderState.CANCELLED,
            "salah pesan",
        )

    async def test_someone_elses_order_is_not_found(self) -> None:
        store, changes = wired(an_order())
        stranger = Identity(subject="buyer-2", role=Role.BUYER)
        with pytest.raises(NotFoundError):
            await MoveOrder(changes)("o-1", OrderMove.CANCEL, stranger)
        assert store.events == []


class TestRecordPayment:
    async def test_a_provider_callback_applies_once_per_callback_id(self) -> None:
        store, changes = wired(an_order())
        record = RecordPayment(changes)
        notice = PaymentNotice(
            actor=Actor.SYSTEM, caller=NOBODY, order_id="o-1", amount=64000, callback_id="cb-1"
        )

        first = await record("o-1", MoneyMove.PAID, notice)
        again = await record("o-1", MoneyMove.PAID, notice)

        assert (first.replayed, again.replayed) == (False, True)
        assert [e.type for e in store.events] == ["payment.confirmed"]
        assert again.stored.order.payment_callback_ids == ["cb-1"]

    async def test_a_callback_for_another_amount_is_refused(self) -> None:
        store, changes = wired(an_order())
        notice = PaymentNotice(
            actor=Actor.SYSTEM, caller=NOBODY, order_id="o-1", amount=1, callback_id="cb-2"
        )
        with pytest.raises(DomainError) as caught:
            await RecordPayment(changes)("o-1", MoneyMove.PAID, notice)
        assert caught.value.code == "payment-mismatch"
        assert store.events == []

    async def test_an_admin_marks_a_requested_refund_made(self) -> None:
        store, changes = wired(an_order())
        record = RecordPayment(changes)
        await record("o-1", MoneyMove.PAID, PaymentNotice(actor=Actor.ADMIN, caller=ADMIN))
        await MoveOrder(changes)("o-1", OrderMove.CANCEL, BUYER)

        refunded = await record(
            "o-1", MoneyMove.REFUNDED, PaymentNotice(actor=Actor.ADMIN, caller=ADMIN)
        )

        assert refunded.stored.order.payment_status.value == "refunded"
        assert [e.type for e in store.events] == [
            "payment.confirmed",
            "order.cancelled",
            "payment.refund_requested",
            "payment.refunded",
        ]
