"""Every domain event of an order maps to a registered wire event of the shared contract."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lumbung_orders.domain.events import OrderEvent, OrderEventName
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.payouts import AggregatorTerms, MemberShare, accrue
from lumbung_orders.domain.pricing import ListingSnapshot, PlaceOrderRequest, price_order
from lumbung_orders.domain.states import Actor
from lumbung_orders.messaging.wire import LATE_RESERVATION_REASON, OrderWire
from lumbung_shared.events import EVENT_TYPES, decode_event

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
envelopes = OrderWire(producer="orders").envelopes

EXPECTED_TYPE = {
    OrderEventName.PAID: "payment.confirmed",
    OrderEventName.REFUNDED: "payment.refunded",
    OrderEventName.REFUND_REQUESTED: "payment.refund_requested",
    OrderEventName.PAYOUT_ACCRUED: "payout.accrued",
    OrderEventName.PAYOUT_REVERSED: "payout.reversed",
}


def an_order() -> Order:
    request = PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": "l1", "quantity": 3}],
            "delivery": {"method": "pickup", "region_code": "21.71"},
            "payment_method": "bank_transfer",
        }
    )
    snapshot = ListingSnapshot(
        listing_id="l1",
        seller_id="fisher-1",
        title="Cakalang",
        kind="catch",
        unit="kg",
        price_per_unit=45000,
        status="active",
        origin_region="21.71.04",
        version=2,
    )
    (priced,) = price_order(request, {"l1": snapshot})
    order, _ = Order.place(order_id="o1", buyer_id="b1", priced=priced, request=request, at=NOW)
    terms = AggregatorTerms(aggregator_id="koperasi-1", fee_basis_points=250, pooled=False)
    order.payouts = [accrue("l1", terms, 135000, [MemberShare(member_id="m1", quantity=3)], NOW)]
    return order


@pytest.mark.parametrize("name", list(OrderEventName))
def test_each_domain_event_becomes_a_registered_wire_event(name: OrderEventName) -> None:
    order = an_order()
    data = _DATA
    (envelope,) = envelopes(
        order, [OrderEvent(name=name, order_id="o1", occurred_at=NOW, data=data)]
    )

    assert envelope.type in EVENT_TYPES
    assert envelope.type == EXPECTED_TYPE.get(name, name.value)
    assert envelope.type.split(".")[0] in {"order", "payment", "payout"}
    assert envelope.key == "o1"
    assert envelope.producer == "orders"
    assert decode_event(envelope.model_dump_json()).payload == envelope.payload


def test_no_order_event_is_sent_twice_under_one_name_with_two_meanings() -> None:
    wire_types = [
        envelopes(order, [OrderEvent(name=n, order_id="o1", occurred_at=NOW, data=_DATA)])[0].type
        for n in OrderEventName
        for order in [an_order()]
        if n not in EXPECTED_TYPE
    ]
    assert len(wire_types) == len(set(wire_types))


_DATA = {
    "alert_id": "alert-1",
    "state": "cancelled",
    "reason": "x",
    "actor": "buyer",
    "listing_id": "l1",
}


def test_late_reservation_asks_listings_to_release_with_the_lines() -> None:
    order = an_order()
    order.cancel(Actor.BUYER, "b1", NOW)
    reply = order.on_stock_reserved(NOW)

    (envelope,) = envelopes(order, reply.events)

    assert envelope.type == "order.stock_release_requested"
    assert envelope.payload.reason == LATE_RESERVATION_REASON
    assert envelope.payload.state == "cancelled"
    assert [(ln.listing_id, ln.quantity, ln.unit_price) for ln in envelope.payload.lines] == [
        ("l1", 3, 45000)
    ]


def test_lines_carry_the_listing_version_the_price_was_read_from() -> None:
    order = an_order()
    (envelope,) = envelopes(
        order, [OrderEvent(name=OrderEventName.PLACED, order_id="o1", occurred_at=NOW)]
    )
    assert [(ln.unit_price, ln.listing_version) for ln in envelope.payload.lines] == [(45000, 2)]


def test_paid_order_carries_amount_and_method() -> None:
    order = an_order()
    events = order.confirm_payment(Actor.ADMIN, "admin-1", NOW, "trx-1")

    (envelope,) = envelopes(order, events)

    assert envelope.type == "payment.confirmed"
    assert envelope.payload.amount == 135000
    assert envelope.payload.method == "bank_transfer"


def test_a_payout_travels_with_its_members_shares_keyed_by_the_order() -> None:
    order = an_order()
    event = OrderEvent(
        name=OrderEventName.PAYOUT_ACCRUED,
        order_id="o1",
        occurred_at=NOW,
        data={"listing_id": "l1"},
    )

    (envelope,) = envelopes(order, [event])

    assert envelope.topic == "lumbung.payout.events"
    assert envelope.key == "o1"
    assert (envelope.payload.aggregator_id, envelope.payload.total) == ("koperasi-1", 135000)
    assert envelope.payload.fee + sum(s.amount for s in envelope.payload.shares) == 135000
