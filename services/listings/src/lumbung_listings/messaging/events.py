"""Turn stored listings into the events other services learn about them from."""

from __future__ import annotations

from typing import Any

from lumbung_shared.events import Envelope, new_event
from lumbung_shared.events.listings import ListingCreated, ListingSnapshot, ListingUpdated
from lumbung_shared.observability import correlation_id

PRODUCER = "listings"


def _snapshot_fields(doc: dict[str, Any]) -> dict[str, Any]:
    fields = set(ListingSnapshot.model_fields) - {"listing_id"}
    return {"listing_id": doc["_id"], **{name: doc.get(name) for name in fields if name in doc}}


def listing_created(doc: dict[str, Any]) -> Envelope[ListingCreated]:
    """`listing.created` with the full public snapshot of a new listing."""
    payload = ListingCreated(**_snapshot_fields(doc))
    return new_event(payload, producer=PRODUCER, correlation_id=correlation_id(), key=doc["_id"])


def listing_updated(doc: dict[str, Any]) -> Envelope[ListingUpdated]:
    """`listing.updated` with the snapshot after the change."""
    payload = ListingUpdated(**_snapshot_fields(doc))
    return new_event(payload, producer=PRODUCER, correlation_id=correlation_id(), key=doc["_id"])
