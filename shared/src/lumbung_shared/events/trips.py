"""Events about a fisher's trip pre-listing, on `lumbung.listing.events`, keyed by listing id.

A trip's expected catch is offered as a listing (`pre_listed`) that buyers reserve through the
normal order saga. Calling it off and landing it are each one write of that listing (its status,
stock and reservation markers) carrying these events in its outbox, so they travel on the
listing's topic and key: in order with the `listing.updated` / `listing.status_changed` of the
same write, one event per decision naming every order it touched (named `listing.trip_*`:
the trip is part of the listing aggregate). The orders service ends the
released orders (`trip_called_off`, `catch_short`); nothing was charged, since a pre-order is
cash on delivery and cannot be confirmed before the catch lands.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class TripEvent(EventPayload):
    """Common shape of the trip events."""

    topic: ClassVar[Topic] = Topic.LISTING_EVENTS

    listing_id: str
    seller_id: str
    version: int = Field(ge=1, description="The listing's version after the write.")


class TripCalledOff(TripEvent):
    """Sent when a danger alert for the trip's vessel class covers its zone (or its fisher calls
    it off, or it is long overdue): every reservation is released, the orders cancelled."""

    event_type: ClassVar[str] = "listing.trip_called_off"

    zone_id: str = Field(description="The maritime zone the trip was to fish.")
    vessel_class: str = Field(description="fishing_boat, barge, ferry or large_ship")
    alert_id: str | None = Field(
        description="The sea alert that called it off; null for a trip that never landed."
    )
    order_ids: list[str] = Field(description="Orders whose reservations were released.")
    reason: str = Field(
        description="The code orders cancel them with: `trip_called_off` (a danger alert), "
        "`trip_cancelled` (by its fisher) or `trip_not_landed` (long overdue)."
    )


class TripLanded(TripEvent):
    """Sent when the fisher lands the catch: the pre-listing becomes a normal listing of the
    actual quantity; reservations that fit it (oldest first) stay, the newest are released."""

    event_type: ClassVar[str] = "listing.trip_landed"

    actual_quantity: int = Field(ge=0, description="Kilograms landed.")
    landed_at: AwareDatetime
    kept_order_ids: list[str] = Field(description="Orders still reserved, oldest first.")
    released_order_ids: list[str] = Field(
        description="Orders beyond the actual quantity, released; they end cancelled."
    )
    reason: str = Field(description="`catch_short`: the code orders cancel the released with.")
