"""The webhook fan-out consumer, on FastStream's in-memory broker: every sea-alert event
reaches `usecases.fan_out_alert` once, with the event's id, type, time and CAP message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Envelope, Topic, new_event
from lumbung_shared.events.sea_alerts import (
    SeaAlertCancelled,
    SeaAlertEvent,
    SeaAlertIssued,
    SeaAlertUpdated,
)
from lumbung_shared.redelivery import DeliveryPolicy
from lumbung_weather_alerts.messaging.fanout import fanout_handlers
from lumbung_weather_alerts.usecases.fan_out_alert import AlertNotice

from tests.shared.messaging.test_event_consumer import MemoryInbox


class RecordingFanOut:
    """Stands in for `FanOutAlert` and records every notice it is given."""

    def __init__(self) -> None:
        self.notices: list[AlertNotice] = []

    async def __call__(self, notice: AlertNotice) -> int:
        self.notices.append(notice)
        return 1


def an_event(
    kind: type[SeaAlertEvent], identifier: str | None, alert_id: str = "lumbung-20261202-ab"
) -> Envelope[Any]:
    """An event about CAP message `identifier` of alert `alert_id` (an older event: None)."""
    payload = kind(
        alert_id=alert_id,
        identifier=identifier,
        zone_id="selat-bali",
        regency_codes=["51.01"],
        category="tinggi",
        severity="Severe",
        vessel_risks={"perahu": "danger"},
        expires=datetime.now(UTC) + timedelta(hours=6),
        references=[],
    )
    return new_event(payload, producer="weather_alerts", correlation_id="c-1", key="selat-bali")


async def deliver(fan_out: RecordingFanOut, *events: Envelope[Any]) -> None:
    broker = KafkaBroker()
    EventConsumer(
        group_id="weather_alerts.webhooks",
        handlers=dict(fanout_handlers(fan_out)),
        inbox=MemoryInbox(),
        broker=broker,
        policy=DeliveryPolicy(attempts=1),
    ).subscribe([Topic.SEA_ALERT_EVENTS])
    async with TestKafkaBroker(broker):
        for event in events:
            await broker.publish(
                event.model_dump_json().encode(),
                topic=str(Topic.SEA_ALERT_EVENTS),
                key=b"selat-bali",
            )


class TestFanOutConsumer:
    @pytest.mark.parametrize("kind", [SeaAlertIssued, SeaAlertUpdated, SeaAlertCancelled])
    async def test_each_sea_alert_event_reaches_the_fan_out_with_its_message(
        self, kind: type[SeaAlertEvent]
    ) -> None:
        fan_out = RecordingFanOut()
        event = an_event(kind, "lumbung-20261202-ab-2")
        await deliver(fan_out, event)
        assert fan_out.notices == [
            AlertNotice(
                event_id=str(event.event_id),
                event_type=kind.event_type,
                occurred_at=event.occurred_at,
                identifier="lumbung-20261202-ab-2",
            )
        ]

    async def test_an_event_from_before_identifier_names_its_message_in_alert_id(self) -> None:
        fan_out = RecordingFanOut()
        await deliver(fan_out, an_event(SeaAlertIssued, None, alert_id="lumbung-20261202-ab-1"))
        assert [n.identifier for n in fan_out.notices] == ["lumbung-20261202-ab-1"]

    async def test_a_redelivered_event_reaches_the_fan_out_once(self) -> None:
        fan_out = RecordingFanOut()
        event = an_event(SeaAlertIssued, "lumbung-20261202-ab-1")
        await deliver(fan_out, event, event)
        assert [n.event_id for n in fan_out.notices] == [str(event.event_id)]

    async def test_events_reach_the_fan_out_in_the_order_sent(self) -> None:
        fan_out = RecordingFanOut()
        events = [
            an_event(SeaAlertIssued, "c-1"),
            an_event(SeaAlertUpdated, "c-2"),
            an_event(SeaAlertCancelled, "c-3"),
        ]
        await deliver(fan_out, *events)
        assert [(n.event_type, n.identifier) for n in fan_out.notices] == [
            ("sea_alert.issued", "c-1"),
            ("sea_alert.updated", "c-2"),
            ("sea_alert.cancelled", "c-3"),
        ]
