"""The `trip-call-off` consumer, on FastStream's in-memory broker.

Issued and updated alerts reach the call-off with their zone, vessel risks, expiry and the
alerts they replace; a cancel ends the alert and every alert it references.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from lumbung_listings.messaging.sea_alerts import trip_call_off_handlers
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Topic
from lumbung_shared.events.sea_alerts import (
    SeaAlertCancelled,
    SeaAlertEvent,
    SeaAlertIssued,
    SeaAlertUpdated,
)
from lumbung_shared.redelivery import DeliveryPolicy

from tests.listings.messaging.test_sea_alert_consumer import EXPIRES, an_alert
from tests.shared.messaging.test_event_consumer import MemoryInbox


class RecordingCallOff:
    """Stands in for `CallOffTrips` and records what it was told."""

    def __init__(self) -> None:
        self.in_force: list[tuple[str, str, dict[str, str], datetime, list[str]]] = []
        self.ended: list[set[str]] = []

    async def alert_in_force(
        self,
        alert_id: str,
        zone_id: str,
        vessel_risks: Mapping[str, str],
        expires: datetime,
        replaces: Iterable[str] = (),
    ) -> int:
        self.in_force.append((alert_id, zone_id, dict(vessel_risks), expires, list(replaces)))
        return 0

    async def alerts_ended(self, alert_ids: Iterable[str]) -> None:
        self.ended.append(set(alert_ids))


async def deliver(call_off: RecordingCallOff, event: Any) -> None:
    broker = KafkaBroker()
    EventConsumer(
        group_id="trip-call-off",
        handlers=trip_call_off_handlers(call_off),  # type: ignore[arg-type]
        inbox=MemoryInbox(),
        broker=broker,
        policy=DeliveryPolicy(attempts=1),
    ).subscribe([Topic.SEA_ALERT_EVENTS])
    async with TestKafkaBroker(broker):
        await broker.publish(
            event.model_dump_json().encode(), topic=str(Topic.SEA_ALERT_EVENTS), key=b"z-1"
        )


class TestTripCallOffConsumer:
    @pytest.mark.parametrize("kind", [SeaAlertIssued, SeaAlertUpdated])
    async def test_an_active_alert_reaches_the_call_off_with_its_zone_and_risks(
        self, kind: type[SeaAlertEvent]
    ) -> None:
        call_off = RecordingCallOff()
        await deliver(call_off, an_alert(kind, "a-2", ["a-1"]))
        assert call_off.in_force == [("a-2", "z-1", {"perahu": "danger"}, EXPIRES, ["a-1"])]
        assert call_off.ended == []

    async def test_a_cancel_ends_the_alert_and_those_it_references(self) -> None:
        call_off = RecordingCallOff()
        await deliver(call_off, an_alert(SeaAlertCancelled, "a-3", ["a-1", "a-2"]))
        assert call_off.ended == [{"a-1", "a-2", "a-3"}]
        assert call_off.in_force == []
