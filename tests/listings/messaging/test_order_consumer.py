"""The `stock` consumer, on FastStream's in-memory broker: each order event reaches its use case.

`order.placed` reserves, an early end (cancelled, declined, expired, rejected by the orders
service's deadline) and a late-reservation release request release, `order.completed` settles,
and every other order event leaves stock alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from lumbung_listings.messaging.orders import order_handlers
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Topic, new_event
from lumbung_shared.events.orders import (
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderDeclined,
    OrderEvent,
    OrderExpired,
    OrderLine,
    OrderPlaced,
    OrderRejected,
    OrderStockReleaseRequested,
)
from lumbung_shared.redelivery import DeliveryPolicy

from tests.shared.messaging.test_event_consumer import MemoryInbox


class Recorder:
    """Stands in for the three stock use cases and records what each was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def reserve(self, order: OrderEvent) -> None:
        self.calls.append(("reserve", order.order_id))

    async def release(self, order_id: str) -> None:
        self.calls.append(("release", order_id))

    async def settle(self, order_id: str) -> None:
        self.calls.append(("settle", order_id))


def an_order_event(kind: type[OrderEvent], order_id: str = "o-1") -> Any:
    payload = kind(
        order_id=order_id,
        buyer_id="b-1",
        seller_id="s-1",
        state="placed",
        lines=[OrderLine(listing_id="l-1", quantity=2, unit_price=30000)],
        total=60000,
        actor="buyer",
    )
    return new_event(payload, producer="orders", correlation_id="c-1", key=order_id)


async def deliver(recorder: Recorder, *events: Any) -> None:
    broker = KafkaBroker()
    handlers = order_handlers(recorder.reserve, recorder.release, recorder.settle)  # type: ignore[arg-type]
    EventConsumer(
        group_id="stock",
        handlers=handlers,
        inbox=MemoryInbox(),
        broker=broker,
        policy=DeliveryPolicy(attempts=1),
    ).subscribe([Topic.ORDER_EVENTS])
    async with TestKafkaBroker(broker):
        for event in events:
            await broker.publish(
                event.model_dump_json().encode(), topic=str(Topic.ORDER_EVENTS), key=b"o-1"
            )


class TestStockConsumer:
    async def test_an_order_with_no_seller_or_price_yet_is_reserved_too(self) -> None:
        """v2: an order placed before orders knew the listing names neither (listings decides)."""
        recorder = Recorder()
        payload = OrderPlaced(
            order_id="o-9",
            buyer_id="b-1",
            seller_id=None,
            state="pending",
            lines=[OrderLine(listing_id="l-1", quantity=2, unit_price=None)],
            total=None,
            actor="buyer",
        )
        await deliver(
            recorder, new_event(payload, producer="orders", correlation_id="c", key="o-9")
        )
        assert recorder.calls == [("reserve", "o-9")]

    async def test_a_placed_order_reserves_its_stock(self) -> None:
        recorder = Recorder()
        await deliver(recorder, an_order_event(OrderPlaced))
        assert recorder.calls == [("reserve", "o-1")]

    @pytest.mark.parametrize(
        "kind",
        [OrderCancelled, OrderDeclined, OrderExpired, OrderRejected, OrderStockReleaseRequested],
    )
    async def test_an_order_ending_early_releases_its_stock(self, kind: type[OrderEvent]) -> None:
        recorder = Recorder()
        await deliver(recorder, an_order_event(kind))
        assert recorder.calls == [("release", "o-1")]

    async def test_a_completed_order_settles_its_stock(self) -> None:
        recorder = Recorder()
        await deliver(recorder, an_order_event(OrderCompleted))
        assert recorder.calls == [("settle", "o-1")]

    async def test_other_order_events_leave_stock_alone(self) -> None:
        recorder = Recorder()
        await deliver(recorder, an_order_event(OrderConfirmed))
        assert recorder.calls == []

    async def test_a_redelivered_event_reaches_the_use_case_again_without_an_inbox_read(
        self,
    ) -> None:
        # Each stock use case is idempotent per order (tests/listings/usecases).
        recorder = Recorder()
        event = an_order_event(OrderPlaced)
        await deliver(recorder, event, event)
        assert recorder.calls == [("reserve", "o-1"), ("reserve", "o-1")]
