"""The saga's integrity rules on the aggregate: the price the buyer saw and the reservation
deadline (issue 12, points 1 and 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_orders.domain.events import OrderEventName, SagaOutcome
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import (
    ListingKind,
    ListingSnapshot,
    PlaceOrderRequest,
    Unit,
    price_order,
)
from lumbung_orders.domain.rejection import PRICE_CHANGED, TIMEOUT, RejectedLine
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_shared.errors import ConflictError

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
DEADLINE = timedelta(seconds=60)
SNAPSHOT = ListingSnapshot(
    listing_id="shallot-1",
    seller_id="seller-1",
    title="Bawang merah Brebes",
    kind=ListingKind.PRODUCE,
    unit=Unit.KG,
    price_per_unit=32_000,
    status="active",
    origin_region="33.29",
    version=3,
)


def _request(**line: object) -> PlaceOrderRequest:
    return PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": "shallot-1", "quantity": 10, **line}],
            "delivery": {"method": "pickup", "region_code": "63.08"},
            "payment_method": "cod",
        }
    )


def _placed(**line: object) -> Order:
    request = _request(**line)
    [priced] = price_order(request, {"shallot-1": SNAPSHOT}, buyer_id="buyer-1")
    order, _ = Order.place(
        order_id="o-1",
        buyer_id="buyer-1",
        priced=priced,
        request=request,
        at=T0,
        decide_within=DEADLINE,
    )
    return order


class TestThePriceTheBuyerSaw:
    def test_the_line_is_priced_at_what_the_buyer_saw(self) -> None:
        [line] = _placed(unit_price=30_000, listing_version=2).lines
        assert (line.price_per_unit, line.listing_version, line.line_total) == (30_000, 2, 300_000)

    def test_without_a_seen_price_the_snapshot_prices_the_line(self) -> None:
        [line] = _placed().lines
        assert (line.price_per_unit, line.listing_version) == (32_000, 3)

    def test_a_price_rejection_keeps_the_current_price_for_the_buyer(self) -> None:
        order = _placed(unit_price=32_000)
        refused = RejectedLine(listing_id="shallot-1", current_price=35_000)

        reply = order.on_stock_rejected(PRICE_CHANGED, T0, refused)

        assert reply.outcome is SagaOutcome.APPLIED
        assert order.state is OrderState.REJECTED
        assert (order.rejection_reason, order.rejected_line) == (PRICE_CHANGED, refused)
        assert order.timeline[-1].reason == PRICE_CHANGED


class TestReservationDeadline:
    def test_a_placed_order_waits_for_stock_until_its_deadline(self) -> None:
        assert _placed().expires_at == T0 + DEADLINE

    def test_before_the_deadline_a_pending_order_is_left_alone(self) -> None:
        order = _placed()
        with pytest.raises(ConflictError) as caught:
            order.expire(T0 + DEADLINE - timedelta(seconds=1))
        assert caught.value.code == "not-yet-expired"
        assert order.state is OrderState.PENDING

    def test_no_decision_by_the_deadline_rejects_for_timeout(self) -> None:
        order = _placed()

        [rejected] = order.expire(T0 + DEADLINE)

        assert order.state is OrderState.REJECTED
        assert order.rejection_reason == TIMEOUT
        assert order.timeline[-1].reason == TIMEOUT
        assert order.timeline[-1].actor is Actor.SYSTEM
        assert rejected.name is OrderEventName.REJECTED
        assert rejected.data["reason"] == TIMEOUT

    def test_a_reservation_after_the_timeout_is_given_back_not_resurrected(self) -> None:
        order = _placed()
        order.expire(T0 + DEADLINE)

        reply = order.on_stock_reserved(T0 + DEADLINE + timedelta(seconds=5))

        assert reply.outcome is SagaOutcome.RELEASE
        assert [e.name for e in reply.events] == [OrderEventName.STOCK_RELEASE_REQUESTED]
        assert reply.events[0].data["lines"] == [{"listing_id": "shallot-1", "quantity": 10}]
        assert order.state is OrderState.REJECTED
        assert not order.stock_held

    def test_a_rejection_after_the_timeout_changes_nothing(self) -> None:
        order = _placed()
        order.expire(T0 + DEADLINE)
        reply = order.on_stock_rejected("insufficient", T0 + DEADLINE)
        assert (reply.outcome, order.rejection_reason) == (SagaOutcome.IGNORED, TIMEOUT)

    def test_a_reservation_replaces_the_deadline_with_the_sellers(self) -> None:
        order = _placed()
        order.on_stock_reserved(T0 + timedelta(seconds=1), timedelta(hours=24))
        assert order.expires_at == T0 + timedelta(seconds=1) + timedelta(hours=24)
