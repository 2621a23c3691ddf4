"""Sea-condition alerts, on `lumbung.sea_alert.events`, keyed by zone id.

Listings and orders use them to flag catch supply and deliveries at risk in the affected
regencies; the fields are the ones they need, not the whole CAP document.

`alert_id` is the alert's id, the same in every event of one alert (Alert, Updates, Cancel),
in webhooks and at `GET /v1/alerts/{alert_id}`; `identifier` is the CAP identifier of the one
message an event is about. Events sent before `identifier` existed carried the message's CAP
identifier in `alert_id` (and no `identifier`); readers that treat `alert_id` and `references`
as opaque ids of things in force and things replaced read both kinds correctly.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class SeaAlertEvent(EventPayload):
    topic: ClassVar[Topic] = Topic.SEA_ALERT_EVENTS

    alert_id: str = Field(
        description="The alert's id: the same for its Alert, Updates and Cancel "
        "(`GET /v1/alerts/{alert_id}`). In events without `identifier` (sent before it was "
        "added), the CAP identifier of the message instead."
    )
    identifier: str | None = Field(
        default=None,
        description="CAP identifier of the message this event is about (always sent now; "
        "absent in older events, where `alert_id` held it).",
    )
    zone_id: str
    regency_codes: list[str] = Field(description="Kemendagri regency codes the zone touches.")
    category: str = Field(description="BMKG wave category, e.g. tinggi")
    severity: str = Field(description="CAP severity: Extreme, Severe, Moderate or Minor")
    vessel_risks: dict[str, str] = Field(description="Vessel class to safe/caution/danger.")
    expires: AwareDatetime
    references: list[str] = Field(
        default_factory=list,
        description="CAP identifiers of the alert's earlier messages, oldest first.",
    )

    @property
    def message_identifier(self) -> str:
        """The CAP message this event is about, in new and older events alike."""
        return self.identifier or self.alert_id


class SeaAlertIssued(SeaAlertEvent):
    """Sent when a zone's sea conditions first cross the alert threshold."""

    event_type: ClassVar[str] = "sea_alert.issued"


class SeaAlertUpdated(SeaAlertEvent):
    """Sent when an active alert's category or severity changes (CAP Update)."""

    event_type: ClassVar[str] = "sea_alert.updated"


class SeaAlertCancelled(SeaAlertEvent):
    """Sent when conditions fall back below the threshold or the alert expires (CAP Cancel)."""

    event_type: ClassVar[str] = "sea_alert.cancelled"
