"""The JSON shape of an alert chain, shared by the list, the detail, SSE and the webhook body."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lumbung_weather_alerts.domain.alert_chain import AlertStatus, Chain, cap_alert_of, is_active
from lumbung_weather_alerts.domain.cap import Certainty, MsgType, Severity, Urgency
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.domain.waves import WaveCategory


class Text(BaseModel):
    """A sentence in Indonesian and English."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "Selat Bali", "en": "Bali Strait"}]}
    )

    id: str
    en: str


class MessageSummary(BaseModel):
    """One CAP message of the chain."""

    identifier: str = Field(description="CAP identifier of the message.")
    msg_type: MsgType
    sent: datetime
    category: WaveCategory
    severity: Severity


_CHAIN = "lumbung-20260301-0123456789abcdef"
_EXAMPLE: dict[str, Any] = {
    "id": _CHAIN,
    "identifier": f"{_CHAIN}-1",
    "zone_id": "selat-bali",
    "zone_name": {"id": "Selat Bali", "en": "Bali Strait"},
    "regency_codes": ["35.10", "51.01"],
    "status": "active",
    "active": True,
    "msg_type": "Alert",
    "category": "tinggi",
    "category_label": {"id": "tinggi", "en": "rough"},
    "severity": "Severe",
    "urgency": "Expected",
    "certainty": "Likely",
    "vessel_risks": {
        "fishing_boat": "danger",
        "barge": "danger",
        "ferry": "danger",
        "large_ship": "caution",
    },
    "onset": "2026-03-01T00:00:00Z",
    "expires": "2026-03-01T12:00:00Z",
    "sent": "2026-03-01T00:05:00Z",
    "issued_at": "2026-03-01T00:05:00Z",
    "updated_at": "2026-03-01T00:05:00Z",
    "version": 1,
    "headline": {"id": "Gelombang tinggi di Selat Bali", "en": "Rough sea in the Bali Strait"},
    "description": {"id": "Gelombang 2,8 m.", "en": "Waves of 2.8 m."},
    "instruction": {"id": "Perahu nelayan jangan melaut.", "en": "Fishing boats stay ashore."},
    "references": [],
    "messages": [
        {
            "identifier": f"{_CHAIN}-1",
            "msg_type": "Alert",
            "sent": "2026-03-01T00:05:00Z",
            "category": "tinggi",
            "severity": "Severe",
        }
    ],
    "cap_url": f"https://api.lumbung.id/v1/alerts/{_CHAIN}-1/cap",
}


class AlertView(BaseModel):
    """An alert as clients see it: its latest CAP message plus the history of the chain.

    `id` is the alert's id (`alert_id` in webhooks and events): stable from the first Alert to
    the Cancel. `identifier` is the CAP identifier of the latest message, which changes with
    every Update; `references` and `messages[].identifier` are CAP identifiers too.
    """

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: str = Field(description="The alert's id, stable across its Updates and Cancel.")
    identifier: str = Field(description="CAP identifier of the latest message.")
    zone_id: str
    zone_name: Text
    regency_codes: list[str]
    status: AlertStatus
    active: bool = Field(description="In force now (status active and not past `expires`).")
    msg_type: MsgType
    category: WaveCategory = Field(description="BMKG wave category (not CAP's `Met`).")
    category_label: Text
    severity: Severity
    urgency: Urgency
    certainty: Certainty
    vessel_risks: dict[VesselClass, Risk]
    onset: datetime
    expires: datetime
    sent: datetime
    issued_at: datetime
    updated_at: datetime
    version: int = Field(description="Counts the alert's changes (not a schema version).")
    headline: Text
    description: Text
    instruction: Text
    references: list[str] = Field(description="CAP identifiers of the earlier messages.")
    messages: list[MessageSummary]
    cap_url: str = Field(
        description="The message as CAP 1.2 XML (public URL of `GET /v1/alerts/{alert_id}/cap`)."
    )


def alert_view(doc: Chain, now: datetime, base_url: str, index: int | None = None) -> AlertView:
    """The view of a stored chain at `now` (whether it is still active depends on the time).

    With `index`, the chain as it stood when that message was sent (for the SSE history).
    """
    position = len(doc["messages"]) - 1 if index is None else index
    latest = position == len(doc["messages"]) - 1
    alert = cap_alert_of(doc, index)
    zone = alert.zone
    if latest:
        status, active = doc["status"], is_active(doc, now)
    else:
        cancelled = alert.msg_type is MsgType.CANCEL
        status = AlertStatus.CANCELLED.value if cancelled else AlertStatus.ACTIVE.value
        active = not cancelled and alert.expires >= now
    return AlertView(
        id=doc["_id"],
        identifier=alert.identifier,
        zone_id=zone.id,
        zone_name=Text(id=zone.name_id, en=zone.name_en),
        regency_codes=list(zone.regency_codes),
        status=AlertStatus(status),
        active=active,
        msg_type=alert.msg_type,
        category=alert.category,
        category_label=Text(id=alert.category.label_id, en=alert.category.label_en),
        severity=alert.grading.severity,
        urgency=alert.grading.urgency,
        certainty=alert.grading.certainty,
        vessel_risks=dict(alert.risks),
        onset=alert.onset,
        expires=alert.expires,
        sent=alert.sent,
        issued_at=doc["issued_at"],
        updated_at=doc["updated_at"],
        version=doc["version"],
        headline=Text(id=alert.headline.id, en=alert.headline.en),
        description=Text(id=alert.description.id, en=alert.description.en),
        instruction=Text(id=alert.instruction.id, en=alert.instruction.en),
        references=[reference.identifier for reference in alert.references],
        messages=[MessageSummary.model_validate(m) for m in doc["messages"][: position + 1]],
        cap_url=f"{base_url}/v1/alerts/{alert.identifier}/cap",
    )
