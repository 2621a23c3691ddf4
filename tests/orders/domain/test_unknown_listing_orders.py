"""Specification of an order placed before the orders service knew its listing (issue 12).

Checkout accepts it with no seller; listings decides; `stock.reserved` completes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lumbung_orders.domain.access import may_see
from lumbung_orders.domain.events import OrderEventName, SagaOutcome
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.order_lines import HeldListing, ListingKind, Unit, UnresolvedOrderError
from lumbung_orders.domain.pricing import PlaceOrderRequest, price_order
from lumbung_orders.domain.risk import flag_orders
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_shared.errors import ConflictError, NotFoundError
from lumbung_shared.identity import Identity, Role

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
BUYER, FISHER = "buyer-1", "fisher-1"
TUNA = HeldListing(
    listing_id="tuna-1",
    seller_id=FISHER,
    unit_price=80_000,
    listing_version=1,
    title="Tongkol segar Batam",
    unit=Unit.KG,
    kind=ListingKind.CATCH,
    origin_region="21.71.04",
)


def _unknown(decide_within: timedelta | None = None, **line: Any) -> Order:
    request = PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": "tuna-1", "quantity": 3, **line}],
            "delivery": {"method": "courier", "region_code": "21.71", "address": "Jl. Batam 1"},
            "payment_method": "bank_transfer",
        }
    )
    [priced] = price_order(request, {}, buyer_id=BUYER)
    order, _ = Order.place(
        order_id="o-1",
        buyer_id=BUYER,
        priced=priced,
        request=request,
        at=T0,
        decide_within=decide_within,
    )
    return order


def _person(role: Role, subject: str) -> Identity:
    return Identity(subject=subject, role=role)


class TestBeforeTheSellerIsKnown:
    def test_it_is_pending_with_no_seller_and_asks_listings_for_stock(self) -> None:
        order = _unknown()

        assert (order.state, order.seller_id, order.total) == (OrderState.PENDING, None, None)

    def test_only_its_buyer_and_admins_see_it(self) -> None:
        order = _unknown()

        assert may_see(_person(Role.BUYER, BUYER), order)
        assert may_see(_person(Role.ADMIN, "admin-1"), order)
        assert not may_see(_person(Role.FISHER, FISHER), order)

    def test_no_seller_may_move_it(self) -> None:
        with pytest.raises(NotFoundError):
            _unknown().confirm(Actor.SELLER, FISHER, T0)

    def test_no_payment_is_taken_before_it_has_a_price(self) -> None:
        with pytest.raises(ConflictError) as caught:
            _unknown().confirm_payment(Actor.ADMIN, "admin-1", T0)
        assert caught.value.code == "order-not-priced"

    def test_the_buyer_may_still_cancel_it(self) -> None:
        order = _unknown()

        events = order.cancel(Actor.BUYER, BUYER, T0)

        assert order.state is OrderState.CANCELLED
        assert events[0].name is OrderEventName.CANCELLED

    def test_no_decision_within_the_deadline_rejects_it_timeout(self) -> None:
        order = _unknown(decide_within=timedelta(seconds=60))

        order.expire(T0 + timedelta(seconds=60))

        assert (order.state, order.rejection_reason) == (OrderState.REJECTED, "timeout")

    def test_listings_rejecting_it_ends_it_with_the_reason(self) -> None:
        order = _unknown()

        order.on_stock_rejected("not_found", T0)

        assert (order.state, order.rejection_reason) == (OrderState.REJECTED, "not_found")


class TestReservationCompletesIt:
    def test_seller_lines_and_total_come_from_the_listing_held(self) -> None:
        order = _unknown()

        reply = order.on_stock_reserved(T0, held=[TUNA])

        assert reply.outcome is SagaOutcome.APPLIED
        assert (order.state, order.seller_id, order.total) == (OrderState.RESERVED, FISHER, 240_000)
        [line] = order.lines
        assert (line.title, line.unit, line.kind, line.origin_region) == (
            "Tongkol segar Batam",
            Unit.KG,
            ListingKind.CATCH,
            "21.71.04",
        )
        assert (line.price_per_unit, line.line_total, line.listing_version) == (80_000, 240_000, 1)

    def test_the_version_the_buyer_saw_is_kept(self) -> None:
        order = _unknown(unit_price=80_000, listing_version=0)

        order.on_stock_reserved(T0, held=[TUNA])

        assert order.lines[0].listing_version == 0

    def test_then_its_seller_sees_and_confirms_it(self) -> None:
        order = _unknown()
        order.on_stock_reserved(T0, held=[TUNA])

        assert may_see(_person(Role.FISHER, FISHER), order)
        order.confirm(Actor.SELLER, FISHER, T0)
        assert order.state is OrderState.CONFIRMED

    def test_its_catch_origin_can_then_be_flagged_at_risk(self) -> None:
        order = _unknown()
        assert flag_orders([order], "alert-1", ["21.71"], T0) == []

        order.on_stock_reserved(T0, held=[TUNA])

        [event] = flag_orders([order], "alert-1", ["21.71"], T0)
        assert event.name is OrderEventName.DELIVERY_RISK_FLAGGED

    def test_a_reply_that_does_not_describe_the_listing_is_unusable(self) -> None:
        with pytest.raises(UnresolvedOrderError):
            _unknown().on_stock_reserved(T0, held=[])

    def test_a_late_reservation_after_cancel_is_given_back(self) -> None:
        order = _unknown()
        order.cancel(Actor.BUYER, BUYER, T0)

        reply = order.on_stock_reserved(T0, held=[TUNA])

        assert reply.outcome is SagaOutcome.RELEASE
        assert order.state is OrderState.CANCELLED
