"""The catch price consumer, on FastStream's in-memory broker: each listing event reaches
`KeepCatchPrices` once, with its listing, version, event time and the facts the model keeps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from faststream.kafka import KafkaBroker, TestKafkaBroker
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Envelope, EventPayload, Topic, new_event
from lumbung_shared.events.listings import (
    ListingCreated,
    ListingDeleted,
    ListingStatusChanged,
    ListingUpdated,
)
from lumbung_shared.redelivery import DeliveryPolicy
from lumbung_weather_alerts.domain.catch_prices import ListedCatch
from lumbung_weather_alerts.messaging.listings import catch_price_handlers
from lumbung_weather_alerts.usecases.catch_prices import KeepCatchPrices

from tests.shared.messaging.test_event_consumer import MemoryInbox


class RecordingKeep(KeepCatchPrices):
    """Stands in for the use case and records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    async def listed(
        self, listing_id: str, version: int, occurred_at: datetime, listed: ListedCatch
    ) -> bool:
        self.calls.append(("listed", listing_id, version, occurred_at, listed))
        return True

    async def status_changed(
        self, listing_id: str, version: int, occurred_at: datetime, status: str
    ) -> bool:
        self.calls.append(("status_changed", listing_id, version, occurred_at, status))
        return True

    async def deleted(self, listing_id: str, version: int, occurred_at: datetime) -> bool:
        self.calls.append(("deleted", listing_id, version, occurred_at))
        return True


def snapshot(event: type[ListingCreated] | type[ListingUpdated], **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "listing_id": "l-1",
        "seller_id": "fisher-1",
        "kind": "catch",
        "commodity": "cakalang",
        "title": "Cakalang segar Pulau Pramuka",
        "unit": "kg",
        "price_per_unit": 34000,
        "quantity_available": 50,
        "status": "active",
        "origin_region": "31.01",
        "version": 2,
    }
    return event(**(fields | changes))


def wrapped(payload: EventPayload) -> Envelope[Any]:
    return new_event(payload, producer="listings", correlation_id="c-1", key="l-1")


async def deliver(keep: RecordingKeep, *events: Envelope[Any]) -> None:
    broker = KafkaBroker()
    EventConsumer(
        group_id="weather_alerts.catch-prices",
        handlers=dict(catch_price_handlers(keep)),
        inbox=MemoryInbox(),
        broker=broker,
        policy=DeliveryPolicy(attempts=1),
    ).subscribe([Topic.LISTING_EVENTS])
    async with TestKafkaBroker(broker):
        for event in events:
            await broker.publish(
                event.model_dump_json().encode(), topic=str(Topic.LISTING_EVENTS), key=b"l-1"
            )


CAKALANG = ListedCatch(
    kind="catch",
    commodity="cakalang",
    unit="kg",
    price_per_unit=34000,
    status="active",
    origin_region="31.01",
)


class TestCatchPriceConsumer:
    async def test_a_created_listing_reaches_the_model_with_its_price_facts(self) -> None:
        keep = RecordingKeep()
        event = wrapped(snapshot(ListingCreated, version=1))
        await deliver(keep, event)
        assert keep.calls == [("listed", "l-1", 1, event.occurred_at, CAKALANG)]

    async def test_an_updated_listing_reaches_the_model_at_its_new_version(self) -> None:
        keep = RecordingKeep()
        event = wrapped(snapshot(ListingUpdated, price_per_unit=36000, version=3))
        await deliver(keep, event)
        [(_, _, version, _, listed)] = keep.calls
        assert (version, listed.price_per_unit) == (3, 36000)

    async def test_a_status_change_reaches_the_model_with_only_the_status(self) -> None:
        keep = RecordingKeep()
        paused = ListingStatusChanged(
            listing_id="l-1",
            seller_id="fisher-1",
            previous_status="active",
            status="paused",
            version=4,
        )
        event = wrapped(paused)
        await deliver(keep, event)
        assert keep.calls == [("status_changed", "l-1", 4, event.occurred_at, "paused")]

    async def test_a_deletion_reaches_the_model(self) -> None:
        keep = RecordingKeep()
        event = wrapped(ListingDeleted(listing_id="l-1", seller_id="fisher-1", version=5))
        await deliver(keep, event)
        assert keep.calls == [("deleted", "l-1", 5, event.occurred_at)]

    async def test_a_produce_listing_reaches_the_model_too(self) -> None:
        # The model alone can tell whether a listing it keeps was just edited out of catch.
        keep = RecordingKeep()
        event = wrapped(snapshot(ListingUpdated, kind="produce", commodity="cabai-rawit"))
        await deliver(keep, event)
        [(_, _, _, _, listed)] = keep.calls
        assert (listed.kind, listed.commodity) == ("produce", "cabai-rawit")

    async def test_a_redelivery_repeats_the_same_guarded_write(self) -> None:
        # No inbox read first (the handlers are self-idempotent): the repeat reaches the model
        # as the very same versioned write, which the version guard turns into a no-op.
        keep = RecordingKeep()
        event = wrapped(snapshot(ListingCreated, version=1))
        await deliver(keep, event, event)
        first, again = keep.calls
        assert again == first
