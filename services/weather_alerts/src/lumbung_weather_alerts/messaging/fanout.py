"""Consumer of our own `sea_alert.*` events → `usecases.fan_out_alert` (webhook deliveries).

Thin: it decodes the event into what the fan-out needs and calls it once per event (the
consumer's inbox skips redeliveries; the fan-out is idempotent on its own as well).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.sea_alerts import (
    SeaAlertCancelled,
    SeaAlertEvent,
    SeaAlertIssued,
    SeaAlertUpdated,
)
from lumbung_shared.kafka import EventHandler

from lumbung_weather_alerts.usecases.fan_out_alert import AlertNotice

SEA_ALERT_EVENT_TYPES = (
    SeaAlertIssued.event_type,
    SeaAlertUpdated.event_type,
    SeaAlertCancelled.event_type,
)


def fanout_handlers(fan_out: Callable[[AlertNotice], Awaitable[Any]]) -> Mapping[str, EventHandler]:
    """Handlers by event type: every sea-alert event reaches the fan-out."""

    async def on_alert(event: Envelope[Any]) -> None:
        payload: SeaAlertEvent = event.payload
        await fan_out(
            AlertNotice(
                event_id=str(event.event_id),
                event_type=event.type,
                occurred_at=event.occurred_at,
                identifier=payload.message_identifier,
            )
        )

    return dict.fromkeys(SEA_ALERT_EVENT_TYPES, on_alert)
