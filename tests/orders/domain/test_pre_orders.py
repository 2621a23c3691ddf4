"""Pre-orders: orders of a trip's expected catch, before and after it lands (or is called off)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_orders.domain.events import OrderEventName
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.payments import PaymentMethod, PaymentStatus
from lumbung_orders.domain.pre_orders import (
    CATCH_SHORT,
    TRIP_CALLED_OFF,
    cancellation_notice,
    check_pre_order_payment,
    is_pre_order,
)
from lumbung_orders.domain.pricing import (
    ListingKind,
    ListingSnapshot,
    PlaceOrderRequest,
    Unit,
    price_order,
)
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_orders.domain.trip_outcomes import catch_landed, release_for_trip
from lumbung_shared.errors import ConflictError, DomainError

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
LANDED = T0 + timedelta(days=2)
DAY = timedelta(hours=24)
TRIP, BUYER, FISHER = "trip-1", "buyer-1", "fisher-1"
AT_SEA = ListingSnapshot(
    listing_id=TRIP,
    seller_id=FISHER,
    title="Cakalang Pulau Pramuka",
    kind=ListingKind.CATCH,
    unit=Unit.KG,
    price_per_unit=42_000,
    status="pre_listed",
    origin_region="31.01",
    version=1,
)


def request(method: str = "cod", listing_id: str = TRIP) -> PlaceOrderRequest:
    return PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": listing_id, "quantity": 20}],
            "delivery": {"method": "pickup", "region_code": "31.01"},
            "payment_method": method,
        }
    )


def pre_order(order_id: str = "o-1") -> Order:
    [priced] = price_order(request(), {TRIP: AT_SEA}, buyer_id=BUYER)
    order, _ = Order.place(
        order_id=order_id,
        buyer_id=BUYER,
        priced=priced,
        request=request(),
        at=T0,
        decide_within=timedelta(minutes=2),
        pre_order=True,
    )
    return order


def reserved_pre_order() -> Order:
    order = pre_order()
    order.on_stock_reserved(T0 + timedelta(seconds=1), DAY)
    return order


class TestCheckout:
    def test_a_trips_pre_listing_can_be_ordered(self) -> None:
        [priced] = price_order(request(), {TRIP: AT_SEA}, buyer_id=BUYER)
        assert priced.total == 20 * 42_000

    def test_an_order_of_a_pre_listed_listing_is_a_pre_order(self) -> None:
        assert is_pre_order(["active", "pre_listed"])
        assert not is_pre_order(["active", "sold_out"])

    @pytest.mark.parametrize("method", [PaymentMethod.BANK_TRANSFER, PaymentMethod.EWALLET])
    def test_nothing_is_paid_ahead_for_a_catch_at_sea(self, method: PaymentMethod) -> None:
        with pytest.raises(DomainError) as caught:
            check_pre_order_payment(method)
        assert (caught.value.status, caught.value.code) == (422, "pre-order-cash-on-delivery")
        assert caught.value.message.id
        assert caught.value.message.en

    def test_cash_on_delivery_is_fine(self) -> None:
        check_pre_order_payment(PaymentMethod.COD)

    def test_a_called_off_trip_takes_no_order(self) -> None:
        called_off = AT_SEA.model_copy(update={"status": "called_off"})
        with pytest.raises(DomainError) as caught:
            price_order(request(), {TRIP: called_off}, buyer_id=BUYER)
        assert caught.value.code == "listing-unavailable"


class TestBeforeLanding:
    def test_a_reserved_pre_order_has_no_confirm_deadline_yet(self) -> None:
        order = reserved_pre_order()
        assert order.state is OrderState.RESERVED
        assert order.expires_at is None

    def test_the_seller_cannot_confirm_it(self) -> None:
        order = reserved_pre_order()
        with pytest.raises(ConflictError) as caught:
            order.confirm(Actor.SELLER, FISHER, T0 + timedelta(hours=1))
        assert caught.value.code == "pre-order-not-landed"
        assert order.state is OrderState.RESERVED

    def test_an_ordinary_order_gets_its_deadline_at_reservation(self) -> None:
        order = pre_order()
        order.pre_order = None
        order.on_stock_reserved(T0, DAY)
        assert order.expires_at == T0 + DAY


class TestCalledOff:
    def test_a_reserved_pre_order_ends_cancelled_with_the_reason_and_nothing_charged(
        self,
    ) -> None:
        order = reserved_pre_order()
        events = release_for_trip(order, TRIP, TRIP_CALLED_OFF, LANDED)
        assert order.state is OrderState.CANCELLED
        assert order.timeline[-1].actor is Actor.SYSTEM
        assert order.timeline[-1].reason == TRIP_CALLED_OFF
        assert [e.name for e in events] == [OrderEventName.CANCELLED]
        assert events[0].data["release_stock"] is True
        assert order.payment_status is PaymentStatus.UNPAID

    def test_a_pending_pre_order_is_cancelled_too(self) -> None:
        order = pre_order()
        release_for_trip(order, TRIP, TRIP_CALLED_OFF, T0)
        assert order.state is OrderState.CANCELLED

    def test_a_repeat_changes_nothing(self) -> None:
        order = reserved_pre_order()
        release_for_trip(order, TRIP, TRIP_CALLED_OFF, LANDED)
        assert release_for_trip(order, TRIP, TRIP_CALLED_OFF, LANDED) == []
        assert len(order.timeline) == 3

    def test_an_order_of_another_listing_is_never_touched(self) -> None:
        order = reserved_pre_order()
        assert release_for_trip(order, "someone-elses-listing", TRIP_CALLED_OFF, LANDED) == []
        assert order.state is OrderState.RESERVED

    def test_the_buyer_reads_why_in_both_languages(self) -> None:
        for reason in (TRIP_CALLED_OFF, CATCH_SHORT):
            notice = cancellation_notice(reason)
            assert notice is not None
            assert notice.id
            assert notice.en
        assert cancellation_notice("changed my mind") is None
        assert cancellation_notice(None) is None


class TestLanded:
    def test_a_kept_pre_order_may_be_confirmed_and_its_deadline_starts(self) -> None:
        order = reserved_pre_order()
        assert catch_landed(order, TRIP, LANDED, DAY) == []
        assert order.pre_order is not None
        assert order.pre_order.landed
        assert order.expires_at == LANDED + DAY
        order.confirm(Actor.SELLER, FISHER, LANDED)
        assert order.state is OrderState.CONFIRMED

    def test_a_repeat_keeps_the_first_deadline(self) -> None:
        order = reserved_pre_order()
        catch_landed(order, TRIP, LANDED, DAY)
        catch_landed(order, TRIP, LANDED + DAY, DAY)
        assert order.expires_at == LANDED + DAY

    def test_a_reservation_arriving_after_landing_gets_the_usual_deadline(self) -> None:
        order = pre_order()
        catch_landed(order, TRIP, LANDED, DAY)
        assert order.state is OrderState.PENDING
        order.on_stock_reserved(LANDED + timedelta(seconds=5), DAY)
        assert order.expires_at == LANDED + timedelta(seconds=5) + DAY

    def test_an_order_released_at_landing_ends_cancelled_catch_short(self) -> None:
        order = reserved_pre_order()
        release_for_trip(order, TRIP, CATCH_SHORT, LANDED)
        assert (order.state, order.timeline[-1].reason) == (OrderState.CANCELLED, CATCH_SHORT)

    def test_an_ordinary_order_is_not_a_pre_order(self) -> None:
        order = reserved_pre_order()
        order.pre_order = None
        before = order.model_copy(deep=True)
        assert catch_landed(order, TRIP, LANDED, DAY) == []
        assert order == before
