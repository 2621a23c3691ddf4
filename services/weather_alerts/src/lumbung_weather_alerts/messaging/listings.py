"""Consumer of `lumbung.listing.events` → `usecases.catch_prices.KeepCatchPrices`.

Thin: each handler decodes the event into what the read model needs and makes one
version-guarded write, so a redelivery is a no-op by itself and the inbox read is skipped
(`self_idempotent`). Produce and processed listings reach the use case too: it cannot tell
from an edit alone whether a listing it keeps has just stopped being catch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.listings import (
    ListingCreated,
    ListingDeleted,
    ListingSnapshot,
    ListingStatusChanged,
    ListingUpdated,
)
from lumbung_shared.inbox import self_idempotent
from lumbung_shared.kafka import EventHandler

from lumbung_weather_alerts.domain.catch_prices import ListedCatch
from lumbung_weather_alerts.usecases.catch_prices import KeepCatchPrices


def catch_price_handlers(keep: KeepCatchPrices) -> Mapping[str, EventHandler]:
    """Handlers by event type, every one a single guarded write."""

    async def on_snapshot(event: Envelope[Any]) -> None:
        payload: ListingSnapshot = event.payload
        listed = ListedCatch(
            kind=payload.kind,
            commodity=payload.commodity,
            unit=payload.unit,
            price_per_unit=payload.price_per_unit,
            status=payload.status,
            origin_region=payload.origin_region,
        )
        await keep.listed(payload.listing_id, payload.version, event.occurred_at, listed)

    async def on_status_changed(event: Envelope[Any]) -> None:
        payload: ListingStatusChanged = event.payload
        await keep.status_changed(
            payload.listing_id, payload.version, event.occurred_at, payload.status
        )

    async def on_deleted(event: Envelope[Any]) -> None:
        payload: ListingDeleted = event.payload
        await keep.deleted(payload.listing_id, payload.version, event.occurred_at)

    return self_idempotent(
        {
            ListingCreated.event_type: on_snapshot,
            ListingUpdated.event_type: on_snapshot,
            ListingStatusChanged.event_type: on_status_changed,
            ListingDeleted.event_type: on_deleted,
        }
    )
