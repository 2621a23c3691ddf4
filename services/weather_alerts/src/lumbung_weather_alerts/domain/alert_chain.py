"""How an alert chain is kept in one document, and how it turns back into domain objects.

One document per alert chain (the Alert and every Update or Cancel that follows it for a zone):
the whole chain changes in single-document writes, each carrying its event in the outbox, and
`open_key` (the zone id while the chain is open, the chain's own id once closed) under a unique
index makes "one open alert per zone" a rule the database enforces.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import uuid4

from lumbung_weather_alerts.domain.alerts import CapAlert
from lumbung_weather_alerts.domain.cap import (
    ALL_CLEAR,
    AlertReference,
    CapGrading,
    Certainty,
    MsgType,
    Severity,
    Urgency,
)
from lumbung_weather_alerts.domain.lifecycle import ActiveAlertState, Cancel, Issue, Update
from lumbung_weather_alerts.domain.subscriptions import SEVERITY_RANK, regency_path
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.domain.waves import WaveCategory
from lumbung_weather_alerts.domain.zones import Zone

from .zones import zone_of

Document = dict[str, Any]


class AlertStatus(StrEnum):
    """Where a chain stands: active until cancelled (sea calmed) or expired (time ran out)."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


def new_chain_id(now: datetime) -> str:
    """The id of a chain; its CAP messages are `<id>-1`, `<id>-2`, ...

    CAP identifiers may not contain spaces, commas, '<' or '&'; these never do.
    """
    return f"lumbung-{now:%Y%m%d}-{uuid4().hex[:16]}"


def message_of(
    decision: Issue | Update | Cancel, identifier: str, sender: str, now: datetime
) -> Document:
    """One CAP message of the chain, as stored (everything needed to render it again)."""
    observation = decision.observation
    grading = _grading(decision)
    return {
        "identifier": identifier,
        "sender": sender,
        "sent": now,
        "msg_type": decision.msg_type.value,
        "category": decision.category.value,
        "severity": grading.severity.value,
        "urgency": grading.urgency.value,
        "certainty": grading.certainty.value,
        "risks": {vessel.value: risk.value for vessel, risk in decision.risks.items()},
        "onset": observation.valid_from,
        "expires": observation.valid_to,
        "significant_wave_m": observation.significant_wave_m,
        "max_wave_m": observation.max_wave_m,
        "wind_speed_knots": observation.wind_speed_knots,
        "wind_direction_deg": observation.wind_direction_deg,
        "source": observation.source,
    }


def latest_fields(message: Document) -> Document:
    """Top-level copies of the latest message's fields that lists filter and sort by."""
    keys = ("identifier", "sent", "msg_type", "category", "severity", "expires", "risks")
    return {key: message[key] for key in keys}


def new_chain(chain_id: str, zone: Zone, message: Document, now: datetime) -> Document:
    """The document of a freshly issued alert (without its outbox)."""
    return {
        "_id": chain_id,
        "open_key": zone.id,
        "zone_id": zone.id,
        "zone": {"id": zone.id, **zone.model_dump(mode="json", exclude={"id"})},
        "regency_codes": list(zone.regency_codes),
        "regency_path": regency_path(zone.regency_codes),
        "status": AlertStatus.ACTIVE.value,
        **latest_fields(message),
        "peak_severity_rank": SEVERITY_RANK[Severity(message["severity"])],
        "messages": [message],
        "issued_at": now,
        "updated_at": now,
        "version": 1,
    }


def state_of(doc: Document) -> ActiveAlertState:
    """What the lifecycle needs to know about an open chain."""
    latest = doc["messages"][-1]
    return ActiveAlertState(
        zone_id=doc["zone_id"],
        sender=latest["sender"],
        identifier=latest["identifier"],
        sent=latest["sent"],
        category=WaveCategory(latest["category"]),
        severity=Severity(latest["severity"]),
        expires=latest["expires"],
        references=references_before(doc, len(doc["messages"]) - 1),
    )


def references_before(doc: Document, index: int) -> tuple[AlertReference, ...]:
    """The chain's messages before `index`, oldest first (the CAP `references` of message n)."""
    return tuple(
        AlertReference(m["sender"], m["identifier"], m["sent"]) for m in doc["messages"][:index]
    )


def message_index(doc: Document, identifier: str | None = None) -> int:
    """Position of the message with `identifier` in the chain (latest when None)."""
    if identifier is None:
        return len(doc["messages"]) - 1
    for index, message in enumerate(doc["messages"]):
        if message["identifier"] == identifier:
            return index
    raise KeyError(identifier)


def cap_alert_of(doc: Document, index: int | None = None) -> CapAlert:
    """The CAP message at `index` of the chain (latest when None), ready to render."""
    position = len(doc["messages"]) - 1 if index is None else index
    message = doc["messages"][position]
    return CapAlert(
        identifier=message["identifier"],
        sender=message["sender"],
        sent=message["sent"],
        msg_type=MsgType(message["msg_type"]),
        zone=zone_of(doc["zone"]),
        category=WaveCategory(message["category"]),
        grading=CapGrading(
            Severity(message["severity"]),
            Urgency(message["urgency"]),
            Certainty(message["certainty"]),
        ),
        risks={VesselClass(v): Risk(r) for v, r in message["risks"].items()},
        significant_wave_m=message["significant_wave_m"],
        max_wave_m=message["max_wave_m"],
        wind_speed_knots=message["wind_speed_knots"],
        onset=message["onset"],
        expires=message["expires"],
        references=references_before(doc, position),
    )


def is_active(doc: Document, now: datetime) -> bool:
    """Active means open and not past its `expires` (even before the sweep has seen it)."""
    expires: datetime = doc["expires"]
    return doc["status"] == AlertStatus.ACTIVE.value and expires >= now


def _grading(decision: Issue | Update | Cancel) -> CapGrading:
    """A Cancel is graded all-clear; the others carry their own grading."""
    return ALL_CLEAR if isinstance(decision, Cancel) else decision.grading
