"""Render an alert as OASIS CAP 1.2 XML, the format alerting agencies and aggregators ingest.

One `info` block per language (id-ID first, then en-US) so that any CAP consumer can pick its
audience's language. The element order follows the CAP 1.2 schema's sequences exactly; the
test suite validates the output against the official XSD.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from .alerts import EVENT, CapAlert
from .cap import cap_datetime, format_references

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
GEOCODE_VALUE_NAME = "KEMENDAGRI"
"""valueName of the geocodes: Kemendagri regency codes (`NN.NN`)."""

LANGUAGES = ("id", "en")
_CAP_LANGUAGE = {"id": "id-ID", "en": "en-US"}


def render_cap(alert: CapAlert) -> bytes:
    """The alert as a UTF-8 CAP 1.2 document with an XML declaration."""
    root = _element("alert")
    _text(root, "identifier", alert.identifier)
    _text(root, "sender", alert.sender)
    _text(root, "sent", cap_datetime(alert.sent))
    _text(root, "status", alert.status.value)
    _text(root, "msgType", alert.msg_type.value)
    _text(root, "scope", "Public")
    if alert.references:
        _text(root, "references", format_references(alert.references))
    for language in LANGUAGES:
        root.append(_info(alert, language))
    xml: bytes = ET.tostring(
        root, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NAMESPACE
    )
    return xml


def _info(alert: CapAlert, language: str) -> ET.Element:
    info = _element("info")
    _text(info, "language", _CAP_LANGUAGE[language])
    _text(info, "category", "Met")
    _text(info, "event", EVENT.pick(language))
    _text(info, "urgency", alert.grading.urgency.value)
    _text(info, "severity", alert.grading.severity.value)
    _text(info, "certainty", alert.grading.certainty.value)
    _text(info, "onset", cap_datetime(alert.onset))
    _text(info, "expires", cap_datetime(alert.expires))
    _text(info, "senderName", alert.sender_name)
    _text(info, "headline", alert.headline.pick(language))
    _text(info, "description", alert.description.pick(language))
    _text(info, "instruction", alert.instruction.pick(language))
    for name, value in _parameters(alert, language):
        _pair(info, "parameter", name, value)
    info.append(_area(alert, language))
    return info


def _parameters(alert: CapAlert, language: str) -> list[tuple[str, str]]:
    """Machine-readable values; names are language-neutral, values follow the block language."""
    category = alert.category.label_id if language == "id" else alert.category.label_en
    parameters = [
        ("WAVE_CATEGORY", category),
        ("WAVE_CATEGORY_CODE", alert.category.value),
        ("SIGNIFICANT_WAVE_HEIGHT_M", f"{alert.significant_wave_m:g}"),
        ("MAX_WAVE_HEIGHT_M", f"{alert.max_wave_m:g}"),
        ("WIND_SPEED_KT", f"{alert.wind_speed_knots:g}"),
    ]
    for vessel, risk in alert.risks.items():
        label = risk.label_id if language == "id" else risk.value
        parameters.append((f"VESSEL_RISK_{vessel.name}", label))
    return parameters


def _area(alert: CapAlert, language: str) -> ET.Element:
    zone = alert.zone
    area = _element("area")
    _text(area, "areaDesc", zone.name_id if language == "id" else zone.name_en)
    ring = " ".join(f"{lat:g},{lon:g}" for lat, lon in zone.bbox.ring())
    _text(area, "polygon", ring)
    for code in zone.regency_codes:
        _pair(area, "geocode", GEOCODE_VALUE_NAME, code)
    return area


def _element(tag: str) -> ET.Element:
    return ET.Element(f"{{{CAP_NAMESPACE}}}{tag}")


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{CAP_NAMESPACE}}}{tag}").text = text


def _pair(parent: ET.Element, tag: str, value_name: str, value: str) -> None:
    pair = ET.SubElement(parent, f"{{{CAP_NAMESPACE}}}{tag}")
    _text(pair, "valueName", value_name)
    _text(pair, "value", value)
