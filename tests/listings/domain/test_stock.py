"""Reservation decisions from a listing's stock state alone."""

import pytest
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.stock import RejectReason, StockState, can_reserve, status_for_stock

ACTIVE_100KG = StockState(Status.ACTIVE, quantity_available=100, min_order=5)


class TestCanReserve:
    def test_enough_active_stock_is_reservable(self) -> None:
        assert can_reserve(ACTIVE_100KG, 30) is None

    def test_the_last_units_are_reservable(self) -> None:
        assert can_reserve(ACTIVE_100KG, 100) is None

    def test_missing_listing(self) -> None:
        assert can_reserve(None, 1) is RejectReason.NOT_FOUND

    def test_a_paused_listing_is_not_taking_orders(self) -> None:
        state = StockState(Status.PAUSED, quantity_available=100, min_order=1)
        assert can_reserve(state, 1) is RejectReason.INACTIVE

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.ARCHIVED])
    def test_a_hidden_listing_is_not_found_so_its_status_stays_hidden(self, status: Status) -> None:
        state = StockState(status, quantity_available=100, min_order=1)
        assert can_reserve(state, 1) is RejectReason.NOT_FOUND

    @pytest.mark.parametrize("quantity", [4, 0, -3])
    def test_below_minimum_order(self, quantity: int) -> None:
        assert can_reserve(ACTIVE_100KG, quantity) is RejectReason.BELOW_MIN_ORDER

    def test_a_sold_out_listing_has_not_enough_stock(self) -> None:
        sold_out = StockState(Status.SOLD_OUT, quantity_available=0, min_order=1)
        assert can_reserve(sold_out, 1) is RejectReason.INSUFFICIENT

    def test_more_than_available(self) -> None:
        assert can_reserve(ACTIVE_100KG, 101) is RejectReason.INSUFFICIENT

    def test_inactive_wins_over_quantity_problems(self) -> None:
        paused = StockState(Status.PAUSED, quantity_available=1, min_order=5)
        assert can_reserve(paused, 2) is RejectReason.INACTIVE

    def test_the_price_the_buyer_saw_is_reservable(self) -> None:
        priced = StockState(Status.ACTIVE, quantity_available=10, price_per_unit=32000)
        assert can_reserve(priced, 1, unit_price=32000) is None

    def test_another_price_is_refused_whatever_else_holds(self) -> None:
        raised = StockState(Status.ACTIVE, quantity_available=10, price_per_unit=35000)
        assert can_reserve(raised, 1, unit_price=32000) is RejectReason.PRICE_CHANGED
        assert can_reserve(raised, 99, unit_price=32000) is RejectReason.PRICE_CHANGED

    def test_every_reason_has_a_bilingual_message(self) -> None:
        assert all(reason.message.id and reason.message.en for reason in RejectReason)


class TestStatusForStock:
    def test_taking_the_last_unit_sells_out(self) -> None:
        assert status_for_stock(Status.ACTIVE, 0) is Status.SOLD_OUT

    def test_restocking_reactivates(self) -> None:
        assert status_for_stock(Status.SOLD_OUT, 10) is Status.ACTIVE

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.PAUSED, Status.ARCHIVED])
    def test_seller_decisions_are_kept(self, status: Status) -> None:
        assert status_for_stock(status, 0) is status
        assert status_for_stock(status, 10) is status
