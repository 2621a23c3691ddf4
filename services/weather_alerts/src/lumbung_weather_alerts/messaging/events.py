"""Turn a stored alert chain into the `sea_alert.*` events listings and orders act on.

`alert_id` is the chain's id (what HTTP and webhooks call the alert's id), `identifier` the
CAP message. The event is keyed by zone id so every message about one zone stays in order on
its partition.
An expiry is sent as `sea_alert.cancelled` as well: for a catch listing flagged "supply at
risk" it makes no difference whether the sea calmed or the warning simply ran out.
"""

from __future__ import annotations

from typing import Any

from lumbung_shared.events import Envelope, new_event
from lumbung_shared.events.sea_alerts import (
    SeaAlertCancelled,
    SeaAlertEvent,
    SeaAlertIssued,
    SeaAlertUpdated,
)
from lumbung_shared.observability import correlation_id

from lumbung_weather_alerts.domain.alert_chain import Chain
from lumbung_weather_alerts.domain.cap import MsgType

PRODUCER = "weather_alerts"

_BY_MSG_TYPE: dict[MsgType, type[SeaAlertEvent]] = {
    MsgType.ALERT: SeaAlertIssued,
    MsgType.UPDATE: SeaAlertUpdated,
    MsgType.CANCEL: SeaAlertCancelled,
}

SENDS = tuple(payload.event_type for payload in _BY_MSG_TYPE.values())
"""The `sea_alert.*` events this service sends (its AsyncAPI `send` operations)."""


def message_event(doc: Chain) -> Envelope[Any]:
    """The event for the chain's latest CAP message (Alert, Update or Cancel)."""
    payload_type = _BY_MSG_TYPE[MsgType(doc["messages"][-1]["msg_type"])]
    return _event(payload_type, doc)


def expiry_event(doc: Chain) -> Envelope[Any]:
    """`sea_alert.cancelled` for a chain whose time ran out (no new CAP message is sent)."""
    return _event(SeaAlertCancelled, doc)


def _event(payload_type: type[SeaAlertEvent], doc: Chain) -> Envelope[Any]:
    messages = doc["messages"]
    latest = messages[-1]
    payload = payload_type(
        alert_id=doc["_id"],
        identifier=latest["identifier"],
        zone_id=doc["zone_id"],
        regency_codes=list(doc["regency_codes"]),
        category=latest["category"],
        severity=latest["severity"],
        vessel_risks=dict(latest["risks"]),
        expires=latest["expires"],
        references=[m["identifier"] for m in messages[:-1]],
    )
    return new_event(
        payload, producer=PRODUCER, correlation_id=correlation_id(), key=doc["zone_id"]
    )
