"""The saga and sea-alert consumers, on FastStream's in-memory broker: each event reaches its
use case once, with what the use case needs and nothing else.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from faststream.kafka import KafkaBroker, TestKafkaBroker
from lumbung_orders.domain.order_lines import HeldListing, ListingKind
from lumbung_orders.domain.payouts import MemberShare
from lumbung_orders.domain.rejection import RejectedLine
from lumbung_orders.messaging.sea_alerts import sea_alert_handlers
from lumbung_orders.messaging.stock import stock_handlers
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import EventPayload, Topic, new_event
from lumbung_shared.events.sea_alerts import (
    SeaAlertCancelled,
    SeaAlertEvent,
    SeaAlertIssued,
    SeaAlertUpdated,
)
from lumbung_shared.events.stock import HeldListing as WireHeldListing
from lumbung_shared.events.stock import StockLine, StockRejected, StockReleased, StockReserved
from lumbung_shared.kafka import EventHandler
from lumbung_shared.redelivery import DeliveryPolicy

from tests.shared.messaging.test_event_consumer import MemoryInbox


class Recorder:
    """Stands in for the use cases and records what each was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.held: list[HeldListing] = []

    async def reserved(
        self, order_id: str, held: list[HeldListing], shares: dict[str, list[MemberShare]]
    ) -> None:
        self.calls.append(("reserved", order_id))
        self.held = held
        self.shares = shares

    async def rejected(self, order_id: str, reason: str, line: RejectedLine | None) -> None:
        self.calls.append(("rejected", order_id, reason, line))

    async def in_force(self, alert: SeaAlertEvent) -> None:
        self.calls.append(("in_force", alert.alert_id))

    async def ended(self, alert_ids: list[str]) -> None:
        self.calls.append(("ended", alert_ids))


async def deliver(
    handlers: Any, topic: Topic, *payloads: EventPayload, repeat: bool = False
) -> None:
    broker = KafkaBroker()
    typed: dict[str, EventHandler] = dict(handlers)
    EventConsumer(
        group_id="test",
        handlers=typed,
        inbox=MemoryInbox(),
        broker=broker,
        policy=DeliveryPolicy(attempts=1),
    ).subscribe([topic])
    events = [new_event(p, producer="test", correlation_id="c-1", key="k") for p in payloads]
    async with TestKafkaBroker(broker):
        for event in events * (2 if repeat else 1):
            await broker.publish(event.model_dump_json().encode(), topic=str(topic), key=b"k")


def an_alert(kind: type[SeaAlertEvent], alert_id: str = "a-1", **extra: Any) -> SeaAlertEvent:
    return kind(
        alert_id=alert_id,
        zone_id="z-1",
        regency_codes=["63.08"],
        category="tinggi",
        severity="Severe",
        vessel_risks={"perahu": "danger"},
        expires=datetime.now(UTC) + timedelta(hours=6),
        **extra,
    )


LINE = StockLine(listing_id="l-1", quantity=2, remaining=3)


class TestStockConsumer:
    async def test_a_reservation_reaches_the_use_case_with_its_order(self) -> None:
        recorder = Recorder()
        handlers = stock_handlers(recorder.reserved, recorder.rejected)
        await deliver(handlers, Topic.STOCK_EVENTS, StockReserved(order_id="o-1", lines=[LINE]))
        assert recorder.calls == [("reserved", "o-1")]

    async def test_a_reservation_names_the_listings_held(self) -> None:
        recorder = Recorder()
        handlers = stock_handlers(recorder.reserved, recorder.rejected)
        held = WireHeldListing(
            listing_id="l-1",
            seller_id="fisher-1",
            unit_price=80_000,
            listing_version=2,
            title="Tongkol",
            unit="kg",
            kind="catch",
            origin_region="21.71",
        )
        reserved = StockReserved(order_id="o-1", lines=[LINE], listings=[held])
        await deliver(handlers, Topic.STOCK_EVENTS, reserved)
        assert recorder.held == [HeldListing.model_validate(held.model_dump())]
        assert recorder.held[0].kind is ListingKind.CATCH

    async def test_a_rejection_carries_its_reason(self) -> None:
        recorder = Recorder()
        handlers = stock_handlers(recorder.reserved, recorder.rejected)
        rejected = StockRejected(order_id="o-1", reason="insufficient", listing_id="l-1")
        await deliver(handlers, Topic.STOCK_EVENTS, rejected)
        assert recorder.calls == [
            ("rejected", "o-1", "insufficient", RejectedLine(listing_id="l-1"))
        ]

    async def test_a_changed_price_reaches_the_use_case_with_the_current_price(self) -> None:
        recorder = Recorder()
        handlers = stock_handlers(recorder.reserved, recorder.rejected)
        rejected = StockRejected(
            order_id="o-1", reason="price_changed", listing_id="l-1", current_price=35000
        )
        await deliver(handlers, Topic.STOCK_EVENTS, rejected)
        assert recorder.calls == [
            (
                "rejected",
                "o-1",
                "price_changed",
                RejectedLine(listing_id="l-1", current_price=35000),
            )
        ]

    async def test_a_release_is_not_an_order_change(self) -> None:
        recorder = Recorder()
        handlers = stock_handlers(recorder.reserved, recorder.rejected)
        await deliver(handlers, Topic.STOCK_EVENTS, StockReleased(order_id="o-1", lines=[LINE]))
        assert recorder.calls == []

    async def test_a_redelivered_reply_reaches_the_use_case_again_without_an_inbox_read(
        self,
    ) -> None:
        # The order recognises a repeated reply (`reservation_seen`; see test_reliability).
        recorder = Recorder()
        handlers = stock_handlers(recorder.reserved, recorder.rejected)
        reserved = StockReserved(order_id="o-1", lines=[LINE])
        await deliver(handlers, Topic.STOCK_EVENTS, reserved, repeat=True)
        assert recorder.calls == [("reserved", "o-1"), ("reserved", "o-1")]


class TestSeaAlertConsumer:
    async def test_issued_and_updated_alerts_come_into_force(self) -> None:
        recorder = Recorder()
        handlers = sea_alert_handlers(recorder.in_force, recorder.ended)
        issued, updated = an_alert(SeaAlertIssued), an_alert(SeaAlertUpdated, "a-2")
        await deliver(handlers, Topic.SEA_ALERT_EVENTS, issued, updated)
        assert recorder.calls == [("in_force", "a-1"), ("in_force", "a-2")]

    async def test_a_cancelled_alert_ends_itself_and_the_alerts_it_references(self) -> None:
        recorder = Recorder()
        handlers = sea_alert_handlers(recorder.in_force, recorder.ended)
        cancelled = an_alert(SeaAlertCancelled, "a-3", references=["a-1", "a-2"])
        await deliver(handlers, Topic.SEA_ALERT_EVENTS, cancelled)
        assert recorder.calls == [("ended", ["a-3", "a-1", "a-2"])]
