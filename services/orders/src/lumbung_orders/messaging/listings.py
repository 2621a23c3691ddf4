"""Keeps the listing snapshots in step with `lumbung.listing.events`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.listings import (
    ListingCreated,
    ListingDeleted,
    ListingStatusChanged,
    ListingUpdated,
)
from lumbung_shared.inbox import self_idempotent
from lumbung_shared.kafka import EventHandler

from lumbung_orders.usecases.listing_snapshots import CopyListing


def listing_handlers(copy: CopyListing) -> Mapping[str, EventHandler]:
    """Handlers by event type; each is one version-guarded write, so a repeat changes nothing."""

    async def on_snapshot(event: Envelope[Any]) -> None:
        payload = event.payload
        fields = payload.model_dump(mode="json", exclude={"listing_id", "version"})
        await copy(payload.listing_id, payload.version, {**fields, "deleted": False})

    async def on_status_changed(event: Envelope[Any]) -> None:
        payload: ListingStatusChanged = event.payload
        await copy(payload.listing_id, payload.version, {"status": payload.status})

    async def on_deleted(event: Envelope[Any]) -> None:
        payload: ListingDeleted = event.payload
        await copy(payload.listing_id, payload.version, {"deleted": True})

    return self_idempotent(
        {
            ListingCreated.event_type: on_snapshot,
            ListingUpdated.event_type: on_snapshot,
            ListingStatusChanged.event_type: on_status_changed,
            ListingDeleted.event_type: on_deleted,
        }
    )
