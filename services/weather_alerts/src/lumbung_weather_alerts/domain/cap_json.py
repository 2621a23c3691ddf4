"""CAP 1.2 as JSON: the same message as the XML, for webhooks and clients that do not read XML.

Field names follow the CAP element names so an agency can map it onto its CAP tooling one to
one; `info` holds one block per language (id-ID, then en-US) exactly like the XML document.
"""

from __future__ import annotations

from typing import Any

from .alerts import EVENT, CapAlert
from .cap import cap_datetime, format_references
from .cap_xml import GEOCODE_VALUE_NAME, LANGUAGES

_CAP_LANGUAGE = {"id": "id-ID", "en": "en-US"}


def cap_json(alert: CapAlert) -> dict[str, Any]:
    """The alert as a CAP-shaped JSON object."""
    document: dict[str, Any] = {
        "identifier": alert.identifier,
        "sender": alert.sender,
        "sent": cap_datetime(alert.sent),
        "status": alert.status.value,
        "msgType": alert.msg_type.value,
        "scope": "Public",
        "info": [_info(alert, language) for language in LANGUAGES],
    }
    if alert.references:
        document["references"] = format_references(alert.references)
    return document


def _info(alert: CapAlert, language: str) -> dict[str, Any]:
    zone = alert.zone
    return {
        "language": _CAP_LANGUAGE[language],
        "category": "Met",
        "event": EVENT.pick(language),
        "urgency": alert.grading.urgency.value,
        "severity": alert.grading.severity.value,
        "certainty": alert.grading.certainty.value,
        "onset": cap_datetime(alert.onset),
        "expires": cap_datetime(alert.expires),
        "senderName": alert.sender_name,
        "headline": alert.headline.pick(language),
        "description": alert.description.pick(language),
        "instruction": alert.instruction.pick(language),
        "parameter": {
            "WAVE_CATEGORY_CODE": alert.category.value,
            "SIGNIFICANT_WAVE_HEIGHT_M": alert.significant_wave_m,
            "MAX_WAVE_HEIGHT_M": alert.max_wave_m,
            "WIND_SPEED_KT": alert.wind_speed_knots,
            **{f"VESSEL_RISK_{v.name}": r.value for v, r in alert.risks.items()},
        },
        "area": {
            "areaDesc": zone.name_id if language == "id" else zone.name_en,
            "polygon": " ".join(f"{lat:g},{lon:g}" for lat, lon in zone.bbox.ring()),
            "geocode": [{"valueName": GEOCODE_VALUE_NAME, "value": c} for c in zone.regency_codes],
        },
    }
