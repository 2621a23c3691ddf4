"""Sea alerts (`lumbung.sea_alert.events`) → `usecases.flag_delivery_risk`.

Issued and updated alerts come into force; a cancelled alert ends itself and the alerts it
references (CAP `references`).
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


def sea_alert_handlers(
    in_force: Callable[[SeaAlertEvent], Awaitable[None]],
    ended: Callable[[list[str]], Awaitable[None]],
) -> Mapping[str, EventHandler]:
    """Handlers by event type for sea alerts."""

    async def on_alert(event: Envelope[Any]) -> None:
        await in_force(event.payload)

    async def on_cancelled(event: Envelope[Any]) -> None:
        alert: SeaAlertCancelled = event.payload
        await ended([alert.alert_id, *alert.references])

    return {
        SeaAlertIssued.event_type: on_alert,
        SeaAlertUpdated.event_type: on_alert,
        SeaAlertCancelled.event_type: on_cancelled,
    }
