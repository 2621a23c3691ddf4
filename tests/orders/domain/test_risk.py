"""Specification of sea-alert risk: open catch orders from alerted regencies are flagged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lumbung_orders.domain.events import OrderEventName
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import (
    ListingKind,
    ListingSnapshot,
    PlaceOrderRequest,
    Unit,
    price_order,
)
from lumbung_orders.domain.risk import clear_orders, flag_orders, is_at_risk, regency_of
from lumbung_orders.domain.states import Actor, OrderState

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
BATAM, SERIBU = "21.71", "31.01"


def _order(kind: ListingKind, origin: str, order_id: str = "o-1") -> Order:
    snapshot = ListingSnapshot(
        listing_id="l-1",
        seller_id="seller-1",
        title="Tongkol" if kind is ListingKind.CATCH else "Cabai",
        kind=kind,
        unit=Unit.KG,
        price_per_unit=40_000,
        status="active",
        origin_region=origin,
        version=1,
    )
    request = PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": "l-1", "quantity": 5}],
            "delivery": {"method": "pickup", "region_code": "21.71"},
            "payment_method": "cod",
        }
    )
    [priced] = price_order(request, {"l-1": snapshot})
    order, _ = Order.place(
        order_id=order_id, buyer_id="buyer-1", priced=priced, request=request, at=T0
    )
    return order


class TestRegencyOf:
    @pytest.mark.parametrize(
        ("code", "regency"), [("21.71", "21.71"), ("21.71.03", "21.71"), ("21", None)]
    )
    def test_truncates_to_the_regency(self, code: str, regency: str | None) -> None:
        assert regency_of(code) == regency


class TestIsAtRisk:
    def test_a_pending_catch_order_from_an_alerted_regency(self) -> None:
        assert is_at_risk(_order(ListingKind.CATCH, "21.71.02"), {BATAM})

    def test_a_reserved_catch_order_too(self) -> None:
        order = _order(ListingKind.CATCH, BATAM)
        order.on_stock_reserved(T0)
        assert is_at_risk(order, {BATAM})

    def test_not_produce(self) -> None:
        assert not is_at_risk(_order(ListingKind.PRODUCE, BATAM), {BATAM})

    def test_not_catch_from_elsewhere(self) -> None:
        assert not is_at_risk(_order(ListingKind.CATCH, SERIBU), {BATAM})

    def test_not_catch_with_only_a_province_origin(self) -> None:
        assert not is_at_risk(_order(ListingKind.CATCH, "21"), {BATAM})

    def test_not_once_the_seller_confirmed(self) -> None:
        order = _order(ListingKind.CATCH, BATAM)
        order.on_stock_reserved(T0)
        order.confirm(Actor.SELLER, "seller-1", T0)
        assert order.state is OrderState.CONFIRMED
        assert not is_at_risk(order, {BATAM})


class TestFlagAndClear:
    def test_flags_only_orders_at_risk_and_clears_when_the_alert_ends(self) -> None:
        at_risk = _order(ListingKind.CATCH, BATAM, "o-1")
        safe = _order(ListingKind.CATCH, SERIBU, "o-2")

        flagged = flag_orders([at_risk, safe], "alert-1", ["21.71.01"], T0)

        assert [(e.name, e.order_id) for e in flagged] == [
            (OrderEventName.DELIVERY_RISK_FLAGGED, "o-1")
        ]
        assert (at_risk.delivery_at_risk, safe.delivery_at_risk) == (True, False)

        cleared = clear_orders([at_risk, safe], "alert-1", T0)

        assert [(e.name, e.order_id) for e in cleared] == [
            (OrderEventName.DELIVERY_RISK_CLEARED, "o-1")
        ]
        assert not at_risk.delivery_at_risk

    def test_flagging_twice_emits_once(self) -> None:
        order = _order(ListingKind.CATCH, BATAM)
        flag_orders([order], "alert-1", [BATAM], T0)
        assert flag_orders([order], "alert-1", [BATAM], T0) == []
        assert order.risk_alert_ids == ["alert-1"]

    def test_stays_flagged_while_another_alert_still_applies(self) -> None:
        order = _order(ListingKind.CATCH, BATAM)
        flag_orders([order], "alert-1", [BATAM], T0)
        assert flag_orders([order], "alert-2", [BATAM], T0) == []

        assert clear_orders([order], "alert-1", T0) == []
        assert order.delivery_at_risk
        assert len(clear_orders([order], "alert-2", T0)) == 1
        assert not order.delivery_at_risk
