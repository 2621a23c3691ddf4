"""An alert chain as one document, and the rules for how it changes.

One document per alert chain (the Alert and every Update or Cancel that follows it for a zone):
the whole chain changes in single-document writes, and `open_key` (the zone id while the chain
is open, the chain's own id once closed) under a unique index makes "one open alert per zone" a
rule the database enforces. The chain is plain data (`Chain`) so that use cases compute the
next state here, messaging builds its event from that state, and storage only writes it.

A chain keeps a bounded number of CAP messages (`max_messages`): the original Alert and the
newest Updates and Cancels. CAP `references` are computed from the messages kept, so they never
name a message the chain no longer holds; message numbers keep counting (`messages_sent`), so an
identifier is never reused after a trim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

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
from lumbung_weather_alerts.domain.zones import Zone, zone_of

Chain = dict[str, Any]
"""An alert chain as stored (the aggregate of this service); see the module docstring."""


class AlertStatus(StrEnum):
    """Where a chain stands: active until cancelled (sea calmed) or expired (time ran out)."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ChainChange:
    """A chain after one change, and the fields that change sets (the write guards `version`)."""

    after: Chain
    fields: dict[str, Any]


def message_of(
    decision: Issue | Update | Cancel, identifier: str, sender: str, now: datetime
) -> dict[str, Any]:
    """One CAP message of the chain, as stored (everything needed to render it again)."""
    observation = decision.observation
    grading = ALL_CLEAR if isinstance(decision, Cancel) else decision.grading
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


def latest_fields(message: dict[str, Any]) -> dict[str, Any]:
    """Top-level copies of the latest message's fields that lists filter and sort by."""
    keys = ("identifier", "sent", "msg_type", "category", "severity", "expires", "risks")
    return {key: message[key] for key in keys}


def new_chain(chain_id: str, zone: Zone, decision: Issue, sender: str, now: datetime) -> Chain:
    """The chain a freshly issued alert opens, with its first CAP message `<id>-1`."""
    message = message_of(decision, f"{chain_id}-1", sender, now)
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
        "messages_sent": 1,
        "issued_at": now,
        "updated_at": now,
        "version": 1,
    }


def superseded(
    chain: Chain, decision: Update | Cancel, sender: str, now: datetime, max_messages: int
) -> ChainChange:
    """The chain with a CAP Update or Cancel appended (and trimmed to `max_messages`)."""
    sent = chain.get("messages_sent", len(chain["messages"])) + 1
    message = message_of(decision, f"{chain['_id']}-{sent}", sender, now)
    cancelled = isinstance(decision, Cancel)
    peak = max(chain["peak_severity_rank"], SEVERITY_RANK[Severity(message["severity"])])
    fields: dict[str, Any] = {
        **latest_fields(message),
        "status": (AlertStatus.CANCELLED if cancelled else AlertStatus.ACTIVE).value,
        "open_key": closed_key(chain) if cancelled else chain["zone_id"],
        "peak_severity_rank": peak,
        "messages": kept_messages([*chain["messages"], message], max_messages),
        "messages_sent": sent,
        "updated_at": now,
        "version": chain["version"] + 1,
    }
    return ChainChange({**chain, **fields}, fields)


def expired(chain: Chain, now: datetime) -> ChainChange:
    """The chain closed because its time ran out (no new CAP message is sent)."""
    fields = {
        "status": AlertStatus.EXPIRED.value,
        "open_key": closed_key(chain),
        "updated_at": now,
        "version": chain["version"] + 1,
    }
    return ChainChange({**chain, **fields}, fields)


def kept_messages(messages: list[dict[str, Any]], max_messages: int) -> list[dict[str, Any]]:
    """The original Alert and the newest messages, `max_messages` in all (at least two)."""
    if len(messages) <= max_messages:
        return messages
    return [messages[0], *messages[len(messages) - max(1, max_messages - 1) :]]


def closed_key(chain: Chain) -> str:
    """`open_key` of a closed chain: unique per chain, never a zone id (':' is not allowed)."""
    return f"closed:{chain['_id']}"


def state_of(chain: Chain) -> ActiveAlertState:
    """What the lifecycle needs to know about an open chain."""
    latest = chain["messages"][-1]
    return ActiveAlertState(
        zone_id=chain["zone_id"],
        sender=latest["sender"],
        identifier=latest["identifier"],
        sent=latest["sent"],
        category=WaveCategory(latest["category"]),
        severity=Severity(latest["severity"]),
        expires=latest["expires"],
        references=references_before(chain, len(chain["messages"]) - 1),
    )


def references_before(chain: Chain, index: int) -> tuple[AlertReference, ...]:
    """The chain's messages before `index`, oldest first (the CAP `references` of message n)."""
    return tuple(
        AlertReference(m["sender"], m["identifier"], m["sent"]) for m in chain["messages"][:index]
    )


def message_index(chain: Chain, identifier: str | None = None) -> int:
    """Position of the message with `identifier` in the chain (latest when None)."""
    if identifier is None:
        return len(chain["messages"]) - 1
    for index, message in enumerate(chain["messages"]):
        if message["identifier"] == identifier:
            return index
    raise KeyError(identifier)


def cap_alert_of(chain: Chain, index: int | None = None) -> CapAlert:
    """The CAP message at `index` of the chain (latest when None), ready to render."""
    position = len(chain["messages"]) - 1 if index is None else index
    message = chain["messages"][position]
    return CapAlert(
        identifier=message["identifier"],
        sender=message["sender"],
        sent=message["sent"],
        msg_type=MsgType(message["msg_type"]),
        zone=zone_of(chain["zone"]),
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
        references=references_before(chain, position),
    )


def is_active(chain: Chain, now: datetime) -> bool:
    """Active means open and not past its `expires` (even before the sweep has seen it)."""
    expires: datetime = chain["expires"]
    return chain["status"] == AlertStatus.ACTIVE.value and expires >= now
