"""Sea-condition alerts, on `lumbung.sea_alert.events`, keyed by zone id.

Listings and orders use them to flag catch supply and deliveries at risk in the affected
regencies; the fields are the ones they need, not the whole CAP document.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from lumbung_shared.events.envelope import EventPayload
from lumbung_shared.events.topics import Topic


class SeaAlertEvent(EventPayload):
    topic: ClassVar[Topic] = Topic.SEA_ALERT_EVENTS

    alert_id: str
    zone_id: str
    regency_codes: list[str] = Field(description="Kemendagri regency codes the zone touches.")
    category: str = Field(description="BMKG wave category, e.g. tinggi")
    severity: str = Field(description="CAP severity: Extreme, Severe, Moderate or Minor")
    vessel_risks: dict[str, str] = Field(description="Vessel class to safe/caution/danger.")
    expires: AwareDatetime
    references: list[str] = Field(default_factory=list, description="Earlier alert ids.")


class SeaAlertIssued(SeaAlertEvent):
    """Sent when a zone's sea conditions first cross the alert threshold."""

    event_type: ClassVar[str] = "sea_alert.issued"


class SeaAlertUpdated(SeaAlertEvent):
    """Sent when an active alert's category or severity changes (CAP Update)."""

    event_type: ClassVar[str] = "sea_alert.updated"


class SeaAlertCancelled(SeaAlertEvent):
    """Sent when conditions fall back below the threshold or the alert expires (CAP Cancel)."""

    event_type: ClassVar[str] = "sea_alert.cancelled"
