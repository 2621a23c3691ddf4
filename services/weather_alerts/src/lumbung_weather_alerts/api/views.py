"""The JSON shape of an alert chain, shared by the list, the detail, SSE and the webhook body."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from lumbung_weather_alerts.domain.alert_chain import AlertStatus, Chain, cap_alert_of, is_active
from lumbung_weather_alerts.domain.cap import MsgType


class Text(BaseModel):
    """A sentence in Indonesian and English."""

    id: str
    en: str


class MessageSummary(BaseModel):
    """One CAP message of the chain."""

    identifier: str
    msg_type: str
    sent: datetime
    category: str
    severity: str


class AlertView(BaseModel):
    """An alert chain as clients see it: the latest message plus the chain's history."""

    id: str
    identifier: str
    zone_id: str
    zone_name: Text
    regency_codes: list[str]
    status: str
    active: bool
    msg_type: str
    category: str
    category_label: Text
    severity: str
    urgency: str
    certainty: str
    vessel_risks: dict[str, str]
    onset: datetime
    expires: datetime
    sent: datetime
    issued_at: datetime
    updated_at: datetime
    version: int
    headline: Text
    description: Text
    instruction: Text
    references: list[str]
    messages: list[MessageSummary]
    cap_url: str


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
        status=status,
        active=active,
        msg_type=alert.msg_type.value,
        category=alert.category.value,
        category_label=Text(id=alert.category.label_id, en=alert.category.label_en),
        severity=alert.grading.severity.value,
        urgency=alert.grading.urgency.value,
        certainty=alert.grading.certainty.value,
        vessel_risks={v.value: r.value for v, r in alert.risks.items()},
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
        messages=[MessageSummary(**message) for message in doc["messages"][: position + 1]],
        cap_url=f"{base_url}/v1/alerts/{alert.identifier}",
    )
