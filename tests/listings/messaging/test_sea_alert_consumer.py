"""The `supply-risk` consumer, on FastStream's in-memory broker.

Issued and updated alerts flag their regencies (clearing the alerts they replace); a cancel
clears the alert and every alert it references.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from lumbung_listings.messaging.sea_alerts import sea_alert_handlers
from lumbung_shared.consumer import EventConsumer
from lumbung_shared.events import Topic, new_event
from lumbung_shared.events.sea_alerts import (
    SeaAlertCancelled,
    SeaAlertEvent,
    SeaAlertIssued,
    SeaAlertUpdated,
)
from lumbung_shared.redelivery import DeliveryPolicy

from tests.shared.messaging.test_event_consumer import MemoryInbox

EXPIRES = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


class RecordingRisk:
    """Stands in for `FlagSupplyRisk` and records what it was told."""

    def __init__(self) -> None:
        self.flagged: list[tuple[str, list[str], datetime, list[str]]] = []
        self.ended: list[set[str]] = []

    async def alert_active(
        self, alert_id: str, regencies: Sequence[str], expires: datetime, replaces: Sequence[str]
    ) -> None:
        self.flagged.append((alert_id, list(regencies), expires, list(replaces)))

    async def alerts_ended(self, alert_ids: Iterable[str]) -> None:
        self.ended.append(set(alert_ids))


def an_alert(kind: type[SeaAlertEvent], alert_id: str, references: list[str]) -> Any:
    payload = kind(
        alert_id=alert_id,
        zone_id="z-1",
        regency_codes=["21.71", "21.72"],
        category="tinggi",
        severity="Severe",
        vessel_risks={"perahu": "danger"},
        expires=EXPIRES,
        references=references,
    )
    return new_event(payload, producer="weather_alerts", correlation_id="c-1", key="z-1")


async def deliver(risk: RecordingRisk, event: Any) -> None:
    broker = KafkaBroker()
    EventConsumer(
        group_id="supply-risk",
        handlers=sea_alert_handlers(risk),  # type: ignore[arg-type]
        inbox=MemoryInbox(),
        broker=broker,
        policy=DeliveryPolicy(attempts=1),
    ).subscribe([Topic.SEA_ALERT_EVENTS])
    async with TestKafkaBroker(broker):
        await broker.publish(
            event.model_dump_json().encode(), topic=str(Topic.SEA_ALERT_EVENTS), key=b"z-1"
        )


class TestSupplyRiskConsumer:
    @pytest.mark.parametrize("kind", [SeaAlertIssued, SeaAlertUpdated])
    async def test_an_active_alert_flags_its_regencies(self, kind: type[SeaAlertEvent]) -> None:
        risk = RecordingRisk()
        await deliver(risk, an_alert(kind, "a-2", ["a-1"]))
        assert risk.flagged == [("a-2", ["21.71", "21.72"], EXPIRES, ["a-1"])]
        assert risk.ended == []

    async def test_a_cancel_clears_the_alert_and_those_it_references(self) -> None:
        risk = RecordingRisk()
        await deliver(risk, an_alert(SeaAlertCancelled, "a-3", ["a-1", "a-2"]))
        assert risk.ended == [{"a-1", "a-2", "a-3"}]
        assert risk.flagged == []
