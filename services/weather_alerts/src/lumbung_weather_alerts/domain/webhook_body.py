"""The body an agency receives: a Standard Webhooks envelope around the CAP-shaped message.

Pure (the chain in, bytes out), so it lives with the other formats we publish (CAP, Atom).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from lumbung_weather_alerts.domain.alert_chain import Chain, cap_alert_of, message_index
from lumbung_weather_alerts.domain.cap import MsgType, cap_datetime
from lumbung_weather_alerts.domain.cap_json import cap_json


def webhook_body(
    doc: Chain, identifier: str, event_type: str, occurred_at: datetime, cap_url: str
) -> bytes:
    """`{type, timestamp, data}` for one event; `data.cap` is the CAP message it is about.

    `data.alert_id` is the alert's id (as in HTTP and events), `data.identifier` and
    `data.cap.identifier` the message's; `data.cap_url` serves that message as CAP XML.

    An expiry is sent as `sea_alert.cancelled` about the last message, with reason `expired`.
    """
    alert = cap_alert_of(doc, message_index(doc, identifier))
    expired = event_type == "sea_alert.cancelled" and alert.msg_type is not MsgType.CANCEL
    body: dict[str, Any] = {
        "type": event_type,
        "timestamp": cap_datetime(occurred_at),
        "data": {
            "alert_id": doc["_id"],
            "identifier": identifier,
            "zone_id": doc["zone_id"],
            "regency_codes": list(doc["regency_codes"]),
            "reason": "expired" if expired else None,
            "cap_url": cap_url,
            "cap": cap_json(alert),
        },
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
