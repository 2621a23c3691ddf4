"""Specification of payments: when an order is paid, refunded and completed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_orders.domain.events import OrderEventName
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.payments import PaymentMethod, PaymentStatus
from lumbung_orders.domain.pricing import (
    ListingKind,
    ListingSnapshot,
    PlaceOrderRequest,
    Unit,
    price_order,
)
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_shared.errors import ConflictError, ForbiddenError

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
BUYER, SELLER = "buyer-1", "seller-1"
E = OrderEventName


def _reserved(method: PaymentMethod) -> Order:
    snapshot = ListingSnapshot(
        listing_id="coffee",
        seller_id=SELLER,
        title="Kopi Gayo",
        kind=ListingKind.PRODUCE,
        unit=Unit.KG,
        price_per_unit=150_000,
        status="active",
        origin_region="11.17",
        version=1,
    )
    request = PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": "coffee", "quantity": 2}],
            "delivery": {"method": "pickup", "region_code": "11.17"},
            "payment_method": method.value,
        }
    )
    [priced] = price_order(request, {"coffee": snapshot})
    order, _ = Order.place(order_id="o-9", buyer_id=BUYER, priced=priced, request=request, at=T0)
    order.on_stock_reserved(T0)
    return order


def _shipped(method: PaymentMethod) -> Order:
    order = _reserved(method)
    order.confirm(Actor.SELLER, SELLER, T0)
    order.ship(Actor.SELLER, SELLER, T0)
    return order


class TestCashOnDelivery:
    def test_is_paid_on_delivery_and_completes(self) -> None:
        order = _shipped(PaymentMethod.COD)
        events = order.deliver(Actor.BUYER, BUYER, T0)

        assert order.payment_status is PaymentStatus.PAID
        assert order.state is OrderState.COMPLETED
        assert [e.name for e in events] == [E.DELIVERED, E.PAID, E.COMPLETED]

    def test_cannot_be_confirmed_before_delivery(self) -> None:
        order = _reserved(PaymentMethod.COD)
        with pytest.raises(ConflictError) as caught:
            order.confirm_payment(Actor.ADMIN, "admin-1", T0)
        assert caught.value.code == "cod-paid-on-delivery"


class TestTransferPayment:
    @pytest.mark.parametrize("method", [PaymentMethod.BANK_TRANSFER, PaymentMethod.EWALLET])
    def test_delivered_but_unpaid_waits_for_payment_then_completes(
        self, method: PaymentMethod
    ) -> None:
        order = _shipped(method)
        order.deliver(Actor.BUYER, BUYER, T0)
        assert (order.state, order.payment_status) == (OrderState.DELIVERED, PaymentStatus.UNPAID)

        events = order.confirm_payment(Actor.SYSTEM, None, T0, reference="trx-1")

        assert [e.name for e in events] == [E.PAID, E.COMPLETED]
        assert order.state is OrderState.COMPLETED

    def test_paid_before_delivery_completes_on_delivery(self) -> None:
        order = _reserved(PaymentMethod.BANK_TRANSFER)
        order.confirm_payment(Actor.ADMIN, "admin-1", T0)
        order.confirm(Actor.SELLER, SELLER, T0)
        order.ship(Actor.SELLER, SELLER, T0)
        order.deliver(Actor.BUYER, BUYER, T0)
        assert order.state is OrderState.COMPLETED

    def test_a_repeated_confirmation_is_a_no_op(self) -> None:
        order = _reserved(PaymentMethod.EWALLET)
        order.confirm_payment(Actor.SYSTEM, None, T0)
        assert order.confirm_payment(Actor.SYSTEM, None, T0) == []

    @pytest.mark.parametrize("actor", [Actor.BUYER, Actor.SELLER, Actor.COURIER])
    def test_only_admin_or_provider_may_confirm(self, actor: Actor) -> None:
        order = _reserved(PaymentMethod.BANK_TRANSFER)
        with pytest.raises(ForbiddenError):
            order.confirm_payment(actor, BUYER, T0)


class TestRefund:
    def test_is_requested_when_a_paid_order_is_cancelled(self) -> None:
        order = _reserved(PaymentMethod.BANK_TRANSFER)
        order.confirm_payment(Actor.ADMIN, "admin-1", T0)

        events = order.cancel(Actor.BUYER, BUYER, T0)

        assert [e.name for e in events] == [E.CANCELLED, E.REFUND_REQUESTED]
        assert events[1].data["amount"] == 300_000
        assert order.refund_requested

    @pytest.mark.parametrize("end", ["decline", "expire"])
    def test_is_requested_when_a_paid_order_ends_otherwise(self, end: str) -> None:
        order = _reserved(PaymentMethod.EWALLET)
        order.confirm_payment(Actor.SYSTEM, None, T0)
        if end == "decline":
            events = order.decline(Actor.SELLER, SELLER, T0)
        else:
            events = order.expire(T0 + timedelta(days=2))
        assert events[-1].name is E.REFUND_REQUESTED

    def test_is_requested_for_money_arriving_after_cancellation(self) -> None:
        order = _reserved(PaymentMethod.BANK_TRANSFER)
        order.cancel(Actor.BUYER, BUYER, T0)
        events = order.confirm_payment(Actor.SYSTEM, None, T0)
        assert [e.name for e in events] == [E.PAID, E.REFUND_REQUESTED]

    def test_is_not_requested_for_an_unpaid_order(self) -> None:
        order = _reserved(PaymentMethod.BANK_TRANSFER)
        assert [e.name for e in order.cancel(Actor.BUYER, BUYER, T0)] == [E.CANCELLED]

    def test_marking_refunded_needs_a_request(self) -> None:
        order = _reserved(PaymentMethod.BANK_TRANSFER)
        order.confirm_payment(Actor.ADMIN, "admin-1", T0)
        with pytest.raises(ConflictError):
            order.mark_refunded(Actor.ADMIN, "admin-1", T0)
        order.cancel(Actor.BUYER, BUYER, T0)

        [event] = order.mark_refunded(Actor.ADMIN, "admin-1", T0)

        assert event.name is E.REFUNDED
        assert order.payment_status is PaymentStatus.REFUNDED
        with pytest.raises(ConflictError):
            order.confirm_payment(Actor.SYSTEM, None, T0)
