"""The trip use case over an in-memory store: a call-off or a landing ends the orders it names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import (
    ListingKind,
    ListingSnapshot,
    PlaceOrderRequest,
    Unit,
    price_order,
)
from lumbung_orders.domain.states import OrderState
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.messaging.wire import OrderWire
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.usecases.order_changes import OrderChanges
from lumbung_orders.usecases.trip_orders import TripOrders
from lumbung_shared.events import Envelope

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
LANDED = NOW + timedelta(days=2)
TRIP = "trip-1"


class MemoryOrders:
    """`get` and `save` of `OrderRepository`, over several orders; records the events saved."""

    def __init__(self, *orders: Order) -> None:
        self.stored = {order.order_id: StoredOrder(order, 1, NOW) for order in orders}
        self.events: list[Envelope[Any]] = []

    async def get(self, order_id: str) -> StoredOrder | None:
        return self.stored.get(order_id)

    async def save(
        self, stored: StoredOrder, order: Order, events: Sequence[Envelope[Any]]
    ) -> StoredOrder | None:
        self.stored[order.order_id] = StoredOrder(order, stored.version + 1, NOW)
        self.events += events
        return self.stored[order.order_id]

    def state(self, order_id: str) -> OrderState:
        return self.stored[order_id].order.state


def reserved_pre_order(order_id: str, listing_id: str = TRIP) -> Order:
    request = PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": listing_id, "quantity": 20}],
            "delivery": {"method": "pickup", "region_code": "81.72"},
            "payment_method": "cod",
        }
    )
    snapshot = ListingSnapshot(
        listing_id=listing_id,
        seller_id="fisher-1",
        title="Cakalang Tual",
        kind=ListingKind.CATCH,
        unit=Unit.KG,
        price_per_unit=42_000,
        status="pre_listed",
        origin_region="81.72",
        version=1,
    )
    [priced] = price_order(request, {listing_id: snapshot}, buyer_id=f"buyer-{order_id}")
    order, _ = Order.place(
        order_id=order_id,
        buyer_id=f"buyer-{order_id}",
        priced=priced,
        request=request,
        at=NOW,
        pre_order=True,
    )
    order.on_stock_reserved(NOW)
    return order


def trips_over(store: MemoryOrders) -> TripOrders:
    changes = OrderChanges(cast(OrderRepository, store), OrderWire(producer="orders"))
    return TripOrders(changes, timedelta(hours=24))


class TestCalledOff:
    async def test_every_named_order_ends_cancelled_and_listings_is_told(self) -> None:
        store = MemoryOrders(reserved_pre_order("a"), reserved_pre_order("b"))
        await trips_over(store).called_off(TRIP, ["a", "b"], "trip_called_off")
        assert (store.state("a"), store.state("b")) == (OrderState.CANCELLED,) * 2
        assert [(e.type, e.payload.reason) for e in store.events] == [
            ("order.cancelled", "trip_called_off"),
            ("order.cancelled", "trip_called_off"),
        ]

    async def test_an_unknown_order_is_skipped_not_the_whole_event(self) -> None:
        store = MemoryOrders(reserved_pre_order("b"))
        await trips_over(store).called_off(TRIP, ["never-seen", "b"], "trip_called_off")
        assert store.state("b") is OrderState.CANCELLED

    async def test_a_redelivery_emits_nothing_more(self) -> None:
        store = MemoryOrders(reserved_pre_order("a"))
        trips = trips_over(store)
        await trips.called_off(TRIP, ["a"], "trip_called_off")
        await trips.called_off(TRIP, ["a"], "trip_called_off")
        assert len(store.events) == 1

    async def test_an_order_of_another_listing_is_left_alone(self) -> None:
        store = MemoryOrders(reserved_pre_order("x", listing_id="another-listing"))
        await trips_over(store).called_off(TRIP, ["x"], "trip_called_off")
        assert store.state("x") is OrderState.RESERVED
        assert store.events == []


class TestLanded:
    async def test_released_orders_end_catch_short_and_kept_ones_may_be_confirmed(self) -> None:
        store = MemoryOrders(*(reserved_pre_order(order_id) for order_id in "abc"))
        await trips_over(store).landed(TRIP, ["a", "b"], ["c"], "catch_short", LANDED)
        assert store.state("c") is OrderState.CANCELLED
        for kept in "ab":
            order = store.stored[kept].order
            assert order.state is OrderState.RESERVED
            assert order.pre_order is not None
            assert order.pre_order.landed
            assert order.expires_at == LANDED + timedelta(hours=24)
        assert [(e.type, e.payload.order_id) for e in store.events] == [("order.cancelled", "c")]
