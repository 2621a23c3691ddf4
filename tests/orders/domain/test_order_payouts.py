"""An order of a cooperative's listing: its payout accrues as it completes, reverses on refund."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lumbung_orders.domain.events import OrderEventName
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.order_lines import Contributions
from lumbung_orders.domain.payments import PaymentMethod, PaymentStatus
from lumbung_orders.domain.payouts import AggregatorTerms, MemberShare, SharesMismatchError
from lumbung_orders.domain.pricing import ListingSnapshot, PlaceOrderRequest, price_order
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_shared.errors import ConflictError, ForbiddenError

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
TERMS = AggregatorTerms(aggregator_id="koperasi-1", fee_basis_points=250, pooled=True)
POOL = {"l-1": [MemberShare(member_id="m1", quantity=20), MemberShare(member_id="m2", quantity=10)]}


def an_order(terms: AggregatorTerms | None = TERMS, method: str = "bank_transfer") -> Order:
    request = PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": "l-1", "quantity": 30}],
            "delivery": {"method": "pickup", "region_code": "63.08"},
            "payment_method": method,
        }
    )
    snapshot = ListingSnapshot(
        listing_id="l-1",
        seller_id="koperasi-1",
        title="Bawang merah (pool)",
        kind="produce",
        unit="kg",
        price_per_unit=38_333,
        status="active",
        origin_region="63.08",
        version=1,
        aggregator=terms,
    )
    [priced] = price_order(request, {"l-1": snapshot})
    order, _ = Order.place(order_id="o-1", buyer_id="b-1", priced=priced, request=request, at=NOW)
    return order


def delivered(order: Order, shares: dict[str, list[MemberShare]] = POOL) -> list[OrderEventName]:
    order.on_stock_reserved(NOW, members=Contributions(shares))
    order.confirm(Actor.SELLER, "koperasi-1", NOW)
    order.ship(Actor.SELLER, "koperasi-1", NOW)
    events = order.deliver(Actor.BUYER, "b-1", NOW)
    if order.payment_method is not PaymentMethod.COD:
        events += order.confirm_payment(Actor.ADMIN, "admin-1", NOW)
    return [event.name for event in events]


class TestAccrual:
    def test_completing_records_each_members_money_in_the_same_change(self) -> None:
        order = an_order()

        names = delivered(order)

        assert order.state is OrderState.COMPLETED
        assert names[-2:] == [OrderEventName.COMPLETED, OrderEventName.PAYOUT_ACCRUED]
        [payout] = order.payouts
        assert payout.total == order.total == 1_149_990
        assert payout.fee == 28_750  # 2.5 % of 1 149 990 = 28 749.75
        assert [(s.member_id, s.quantity, s.amount) for s in payout.shares] == [
            ("m1", 20, 747_493),
            ("m2", 10, 373_747),
        ]
        assert payout.fee + sum(s.amount for s in payout.shares) == payout.total

    def test_cash_on_delivery_completes_and_accrues_at_the_door(self) -> None:
        order = an_order(method="cod")

        names = delivered(order)

        assert OrderEventName.PAYOUT_ACCRUED in names
        assert order.payment_status is PaymentStatus.PAID

    def test_a_producers_own_listing_accrues_nothing(self) -> None:
        order = an_order(terms=None)

        names = delivered(order, shares={})

        assert order.payouts == []
        assert OrderEventName.PAYOUT_ACCRUED not in names

    def test_terms_unknown_at_checkout_come_from_the_reservation(self) -> None:
        order = an_order(terms=None)
        late = AggregatorTerms(aggregator_id="koperasi-1", fee_basis_points=1000, pooled=True)

        order.on_stock_reserved(NOW, members=Contributions(POOL, {"l-1": late}))

        assert order.lines[0].aggregator == late

    def test_shares_that_do_not_add_up_are_refused(self) -> None:
        order = an_order()
        short = {"l-1": [MemberShare(member_id="m1", quantity=29)]}

        with pytest.raises(SharesMismatchError):
            order.on_stock_reserved(NOW, members=Contributions(short))


class TestReversal:
    def test_a_refunded_completed_order_reverses_its_payouts_once(self) -> None:
        order = an_order()
        delivered(order)

        asked = order.refund_completed(Actor.ADMIN, "admin-1", NOW, "damaged-goods")
        made = order.mark_refunded(Actor.ADMIN, "admin-1", NOW)

        assert [e.name for e in asked] == [OrderEventName.REFUND_REQUESTED]
        assert [e.name for e in made] == [OrderEventName.REFUNDED, OrderEventName.PAYOUT_REVERSED]
        assert order.payouts[0].reversal_reason == "damaged-goods"
        with pytest.raises(ConflictError):
            order.mark_refunded(Actor.ADMIN, "admin-1", NOW)

    def test_only_an_admin_refunds_a_completed_order(self) -> None:
        order = an_order()
        delivered(order)

        with pytest.raises(ForbiddenError):
            order.refund_completed(Actor.SELLER, "koperasi-1", NOW, "damaged-goods")

    def test_an_order_not_completed_cannot_be_refunded_this_way(self) -> None:
        order = an_order()

        with pytest.raises(ConflictError):
            order.refund_completed(Actor.ADMIN, "admin-1", NOW, "damaged-goods")

    def test_a_completed_order_is_refunded_once(self) -> None:
        order = an_order()
        delivered(order)
        order.refund_completed(Actor.ADMIN, "admin-1", NOW, "damaged-goods")

        with pytest.raises(ConflictError):
            order.refund_completed(Actor.ADMIN, "admin-1", NOW, "again")
