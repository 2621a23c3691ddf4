"""Sea-alert events: flag catch supply at risk (clear it when an alert ends), and call off the
trips at sea that a danger alert for their vessel class covers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.sea_alerts import SeaAlertCancelled, SeaAlertIssued, SeaAlertUpdated
from lumbung_shared.inbox import self_idempotent
from lumbung_shared.kafka import EventHandler

from lumbung_listings.usecases.call_off_trips import CallOffTrips
from lumbung_listings.usecases.flag_supply_risk import FlagSupplyRisk


def sea_alert_handlers(risk: FlagSupplyRisk) -> Mapping[str, EventHandler]:
    """Handlers by event type for the `supply-risk` consumer group.

    An update or cancel may carry a new alert id that `references` the earlier ones (CAP style)
    or repeat the same id; both are handled by clearing the referenced ids.
    """

    async def on_active(event: Envelope[Any]) -> None:
        alert = event.payload
        await risk.alert_active(
            alert.alert_id, alert.regency_codes, alert.expires, alert.references
        )

    async def on_cancelled(event: Envelope[Any]) -> None:
        alert = event.payload
        await risk.alerts_ended({alert.alert_id, *alert.references})

    return {
        SeaAlertIssued.event_type: on_active,
        SeaAlertUpdated.event_type: on_active,
        SeaAlertCancelled.event_type: on_cancelled,
    }


def trip_call_off_handlers(trips: CallOffTrips) -> Mapping[str, EventHandler]:
    """Handlers by event type for the `trip-call-off` consumer group (idempotent on their own:
    a trip is called off once, a repeated alert finds it called off already)."""

    async def on_active(event: Envelope[Any]) -> None:
        alert = event.payload
        await trips.alert_in_force(
            alert.alert_id, alert.zone_id, alert.vessel_risks, alert.expires, alert.references
        )

    async def on_cancelled(event: Envelope[Any]) -> None:
        alert = event.payload
        await trips.alerts_ended({alert.alert_id, *alert.references})

    return self_idempotent(
        {
            SeaAlertIssued.event_type: on_active,
            SeaAlertUpdated.event_type: on_active,
            SeaAlertCancelled.event_type: on_cancelled,
        }
    )
