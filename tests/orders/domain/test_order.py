"""Specification of the Order aggregate: lifecycle, timeline, events, saga and compensations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from lumbung_orders.domain import risk
from lumbung_orders.domain.events import OrderEvent, OrderEventName, SagaOutcome
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
from lumbung_shared.errors import ConflictError, ForbiddenError, NotFoundError

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
BUYER, SELLER = "buyer-1", "seller-1"
E = OrderEventName


def _placing(method: PaymentMethod = PaymentMethod.COD) -> tuple[Order, list[OrderEvent]]:
    snapshot = ListingSnapshot(
        listing_id="shallot-1",
        seller_id=SELLER,
        title="Bawang merah Brebes",
        kind=ListingKind.PRODUCE,
        unit=Unit.KG,
        price_per_unit=32_000,
        status="active",
        origin_region="33.29",
        version=3,
    )
    request = PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": "shallot-1", "quantity": 30}],
            "delivery": {"method": "courier", "region_code": "63.08", "address": "Jl. Amuntai 1"},
            "payment_method": method.value,
        }
    )
    [priced] = price_order(request, {"shallot-1": snapshot}, buyer_id=BUYER)
    return Order.place(order_id="o-1", buyer_id=BUYER, priced=priced, request=request, at=T0)


def _place(method: PaymentMethod = PaymentMethod.COD) -> Order:
    return _placing(method)[0]


def _reserved(method: PaymentMethod = PaymentMethod.COD) -> Order:
    order = _place(method)
    order.on_stock_reserved(T0)
    return order


def _confirmed(method: PaymentMethod = PaymentMethod.COD) -> Order:
    order = _reserved(method)
    order.confirm(Actor.SELLER, SELLER, T0)
    return order


def _names(events: list[OrderEvent]) -> list[OrderEventName]:
    return [event.name for event in events]


class TestPlacing:
    def test_creates_a_pending_order_that_asks_for_stock(self) -> None:
        order = _place()

        assert order.state is OrderState.PENDING
        assert order.payment_status is PaymentStatus.UNPAID
        assert order.total == 30 * 32_000
        assert isinstance(order.total, int)
        assert [entry.state for entry in order.timeline] == [OrderState.PENDING]

    def test_emits_order_placed_with_the_lines_to_reserve(self) -> None:
        _, events = _placing()

        [placed] = events
        assert placed.name is E.PLACED
        assert placed.order_id == "o-1"
        assert placed.data["lines"] == [{"listing_id": "shallot-1", "quantity": 30}]
        assert placed.data["total"] == 960_000
        assert (placed.data["buyer_id"], placed.data["seller_id"]) == (BUYER, SELLER)


class TestHappyPath:
    def test_goes_from_pending_to_completed_with_a_full_timeline(self) -> None:
        order = _place(PaymentMethod.COD)
        emitted: list[OrderEvent] = []

        emitted += order.on_stock_reserved(T0 + timedelta(seconds=1)).events
        emitted += order.confirm(Actor.SELLER, SELLER, T0 + timedelta(hours=1))
        emitted += order.ship(Actor.SELLER, SELLER, T0 + timedelta(hours=2))
        emitted += order.deliver(Actor.BUYER, BUYER, T0 + timedelta(days=1))

        assert order.state is OrderState.COMPLETED
        assert order.payment_status is PaymentStatus.PAID
        assert [(e.state, e.actor) for e in order.timeline] == [
            (OrderState.PENDING, Actor.BUYER),
            (OrderState.RESERVED, Actor.SYSTEM),
            (OrderState.CONFIRMED, Actor.SELLER),
            (OrderState.SHIPPED, Actor.SELLER),
            (OrderState.DELIVERED, Actor.BUYER),
            (OrderState.COMPLETED, Actor.SYSTEM),
        ]
        assert [e.at for e in order.timeline] == sorted(e.at for e in order.timeline)
        assert _names(emitted) == [
            E.RESERVED,
            E.CONFIRMED,
            E.SHIPPED,
            E.DELIVERED,
            E.PAID,
            E.COMPLETED,
        ]
        assert all(
            not event.data["release_stock"] for event in emitted if "release_stock" in event.data
        )

    def test_records_when_the_reservation_lapses(self) -> None:
        order = _reserved()
        assert order.reserved_at == T0
        assert order.expires_at == T0 + timedelta(hours=24)
        assert order.stock_held


class TestCompensation:
    def test_decline_releases_stock(self) -> None:
        order = _reserved()
        [declined] = order.decline(Actor.SELLER, SELLER, T0, reason="stok rusak")

        assert order.state is OrderState.DECLINED
        assert declined.name is E.DECLINED
        assert declined.data["release_stock"] is True
        assert declined.data["lines"] == [{"listing_id": "shallot-1", "quantity": 30}]
        assert order.timeline[-1].reason == "stok rusak"
        assert not order.stock_held

    @pytest.mark.parametrize("make", [_reserved, _confirmed], ids=["reserved", "confirmed"])
    def test_cancel_after_reservation_releases_stock(self, make: Callable[[], Order]) -> None:
        order = make()
        [cancelled] = order.cancel(Actor.BUYER, BUYER, T0)

        assert cancelled.name is E.CANCELLED
        assert cancelled.data["release_stock"] is True
        assert not order.stock_held

    def test_cancel_before_reservation_has_nothing_to_release(self) -> None:
        order = _place()
        [cancelled] = order.cancel(Actor.BUYER, BUYER, T0)
        assert cancelled.data["release_stock"] is False

    def test_expiry_releases_stock(self) -> None:
        order = _reserved()
        [expired] = order.expire(T0 + timedelta(hours=24))

        assert order.state is OrderState.EXPIRED
        assert expired.data["release_stock"] is True
        assert order.timeline[-1].actor is Actor.SYSTEM

    def test_expiry_before_the_deadline_is_refused(self) -> None:
        order = _reserved()
        with pytest.raises(ConflictError) as caught:
            order.expire(T0 + timedelta(hours=23))
        assert caught.value.code == "not-yet-expired"
        assert order.state is OrderState.RESERVED

    def test_cancel_after_shipping_is_refused_naming_the_state(self) -> None:
        order = _confirmed()
        order.ship(Actor.SELLER, SELLER, T0)
        with pytest.raises(ConflictError) as caught:
            order.cancel(Actor.BUYER, BUYER, T0)
        assert caught.value.extra["current_state"] == "shipped"
        assert order.state is OrderState.SHIPPED


class TestStockSaga:
    def test_rejection_ends_a_pending_order_with_the_reason(self) -> None:
        order = _place()
        reply = order.on_stock_rejected("insufficient-stock", T0)

        assert reply.outcome is SagaOutcome.APPLIED
        assert order.state is OrderState.REJECTED
        assert order.rejection_reason == "insufficient-stock"
        assert _names(reply.events) == [E.REJECTED]
        assert reply.events[0].data["reason"] == "insufficient-stock"

    def test_reserved_for_a_cancelled_order_keeps_it_cancelled_and_releases(self) -> None:
        order = _place()
        order.cancel(Actor.BUYER, BUYER, T0)

        reply = order.on_stock_reserved(T0 + timedelta(seconds=5))

        assert reply.outcome is SagaOutcome.RELEASE
        assert order.state is OrderState.CANCELLED
        [release] = reply.events
        assert release.name is E.STOCK_RELEASE_REQUESTED
        assert release.data["lines"] == [{"listing_id": "shallot-1", "quantity": 30}]

    def test_a_redelivered_reserved_is_ignored(self) -> None:
        order = _reserved()
        assert order.on_stock_reserved(T0).outcome is SagaOutcome.IGNORED
        order.cancel(Actor.BUYER, BUYER, T0)
        assert order.on_stock_reserved(T0).outcome is SagaOutcome.IGNORED

    def test_rejected_after_cancel_is_ignored(self) -> None:
        order = _place()
        order.cancel(Actor.BUYER, BUYER, T0)
        reply = order.on_stock_rejected("insufficient-stock", T0)
        assert (reply.outcome, reply.events) == (SagaOutcome.IGNORED, [])
        assert order.state is OrderState.CANCELLED


class TestWhoMayAct:
    def test_another_buyer_gets_not_found(self) -> None:
        order = _reserved()
        with pytest.raises(NotFoundError):
            order.cancel(Actor.BUYER, "someone-else", T0)

    def test_another_seller_gets_not_found(self) -> None:
        order = _reserved()
        with pytest.raises(NotFoundError):
            order.confirm(Actor.SELLER, "other-seller", T0)

    def test_the_buyer_cannot_confirm_their_own_order(self) -> None:
        order = _reserved()
        with pytest.raises(ForbiddenError):
            order.confirm(Actor.BUYER, BUYER, T0)
        assert order.state is OrderState.RESERVED
        assert len(order.timeline) == 2

    def test_a_courier_may_mark_delivered(self) -> None:
        order = _confirmed()
        order.ship(Actor.SELLER, SELLER, T0)
        order.deliver(Actor.COURIER, "courier-7", T0)
        assert order.timeline[-2].actor_id == "courier-7"


class TestStorage:
    def test_an_order_round_trips_through_json(self) -> None:
        order = _confirmed(PaymentMethod.BANK_TRANSFER)
        risk.flag_delivery_risk(order, "alert-1", T0)

        restored = Order.model_validate_json(order.model_dump_json())

        assert restored == order
        assert restored.cancel(Actor.BUYER, BUYER, T0)[0].data["release_stock"] is True
