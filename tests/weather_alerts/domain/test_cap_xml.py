"""CAP 1.2 XML: valid against the official OASIS schema, bilingual, with references."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from lumbung_weather_alerts.domain.alerts import CapAlert, cap_alert_from_decision
from lumbung_weather_alerts.domain.cap import CapStatus, MsgType
from lumbung_weather_alerts.domain.cap_xml import CAP_NAMESPACE, render_cap
from lumbung_weather_alerts.domain.lifecycle import (
    ActiveAlertState,
    Cancel,
    Issue,
    Observation,
    Update,
    decide,
)
from lumbung_weather_alerts.domain.zones import ZONES_BY_ID

ObservationFactory = Callable[..., Observation]
XSD = Path(__file__).parent.parent / "fixtures" / "CAP-v1.2.xsd"
NS = {"cap": CAP_NAMESPACE}
WIB = timezone(timedelta(hours=7))
SENDER = "peringatan@lumbung.id"
ZONE = ZONES_BY_ID["perairan-kepulauan-seribu"]


def parse(xml: bytes) -> ET.Element:
    """Parse a document our own renderer produced (trusted input)."""
    return ET.fromstring(xml)  # noqa: S314 - our renderer's output, not untrusted input


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD)


@pytest.fixture
def lifecycle(observe: ObservationFactory, now: datetime) -> list[CapAlert]:
    """An Alert, its Update and its Cancel, as the service would publish them."""
    issue = decide(None, observe(significant_wave_m=2.8, wind_speed_knots=12), now)
    assert isinstance(issue, Issue)
    sent = now.astimezone(WIB)
    alert = cap_alert_from_decision(issue, ZONE, identifier="a-1", sender=SENDER, sent=sent)
    state = ActiveAlertState(
        zone_id=ZONE.id,
        sender=SENDER,
        identifier="a-1",
        sent=sent,
        category=issue.category,
        severity=issue.grading.severity,
        expires=issue.expires,
    )
    update = decide(state, observe(significant_wave_m=4.2, wind_speed_knots=30), now)
    assert isinstance(update, Update)
    later = sent + timedelta(hours=1, microseconds=5)
    updated = cap_alert_from_decision(update, ZONE, identifier="a-2", sender=SENDER, sent=later)
    cancel = decide(state, observe(), now)
    assert isinstance(cancel, Cancel)
    cancelled = cap_alert_from_decision(
        cancel, ZONE, identifier="a-3", sender=SENDER, sent=later, status=CapStatus.TEST
    )
    return [alert, updated, cancelled]


class TestSchemaValidity:
    def test_alert_update_and_cancel_validate_against_the_oasis_xsd(
        self, schema: xmlschema.XMLSchema, lifecycle: list[CapAlert]
    ) -> None:
        for alert in lifecycle:
            schema.validate(render_cap(alert).decode("utf-8"))

    def test_the_schema_really_checks_cap_time_format(
        self, schema: xmlschema.XMLSchema, lifecycle: list[CapAlert]
    ) -> None:
        xml = render_cap(lifecycle[0]).decode("utf-8")
        with_zulu = xml.replace("2026-11-23T08:00:00+07:00", "2026-11-23T01:00:00Z")
        assert not schema.is_valid(with_zulu)

    def test_output_is_in_the_cap_namespace_with_declaration(
        self, lifecycle: list[CapAlert]
    ) -> None:
        xml = render_cap(lifecycle[0])
        assert xml.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
        assert parse(xml).tag == f"{{{CAP_NAMESPACE}}}alert"


class TestAlertContent:
    def test_header_fields(self, lifecycle: list[CapAlert]) -> None:
        root = parse(render_cap(lifecycle[0]))
        assert root.findtext("cap:identifier", namespaces=NS) == "a-1"
        assert root.findtext("cap:sender", namespaces=NS) == SENDER
        assert root.findtext("cap:sent", namespaces=NS) == "2026-11-23T08:00:00+07:00"
        assert root.findtext("cap:status", namespaces=NS) == "Actual"
        assert root.findtext("cap:msgType", namespaces=NS) == "Alert"
        assert root.findtext("cap:scope", namespaces=NS) == "Public"
        assert root.find("cap:references", NS) is None

    def test_two_info_blocks_indonesian_then_english(self, lifecycle: list[CapAlert]) -> None:
        infos = parse(render_cap(lifecycle[0])).findall("cap:info", NS)
        assert [i.findtext("cap:language", namespaces=NS) for i in infos] == ["id-ID", "en-US"]
        indonesian, english = infos
        assert indonesian.findtext("cap:category", namespaces=NS) == "Met"
        assert indonesian.findtext("cap:severity", namespaces=NS) == "Severe"
        assert indonesian.findtext("cap:urgency", namespaces=NS) == "Expected"
        assert indonesian.findtext("cap:certainty", namespaces=NS) == "Likely"
        assert "tinggi" in (indonesian.findtext("cap:headline", namespaces=NS) or "")
        assert "Rough" in (english.findtext("cap:headline", namespaces=NS) or "")
        assert indonesian.findtext("cap:expires", namespaces=NS) == "2026-11-24T01:00:00+00:00"

    def test_parameters_carry_category_and_vessel_risks(self, lifecycle: list[CapAlert]) -> None:
        info = parse(render_cap(lifecycle[0])).find("cap:info", NS)
        assert info is not None
        parameters = {
            p.findtext("cap:valueName", namespaces=NS): p.findtext("cap:value", namespaces=NS)
            for p in info.findall("cap:parameter", NS)
        }
        assert parameters["WAVE_CATEGORY"] == "tinggi"
        assert parameters["VESSEL_RISK_FISHING_BOAT"] == "bahaya"
        assert parameters["VESSEL_RISK_LARGE_SHIP"] == "aman"

    def test_area_has_closed_polygon_and_kemendagri_geocodes(
        self, lifecycle: list[CapAlert]
    ) -> None:
        area = parse(render_cap(lifecycle[0])).find("cap:info/cap:area", NS)
        assert area is not None
        assert area.findtext("cap:areaDesc", namespaces=NS) == ZONE.name_id
        points = (area.findtext("cap:polygon", namespaces=NS) or "").split(" ")
        assert len(points) == 5
        assert points[0] == points[-1] == "-6.2,106.2"
        codes = [
            g.findtext("cap:value", namespaces=NS)
            for g in area.findall("cap:geocode", NS)
            if g.findtext("cap:valueName", namespaces=NS) == "KEMENDAGRI"
        ]
        assert codes == list(ZONE.regency_codes)


class TestUpdateAndCancel:
    def test_update_references_the_alert_it_supersedes(self, lifecycle: list[CapAlert]) -> None:
        root = parse(render_cap(lifecycle[1]))
        assert root.findtext("cap:msgType", namespaces=NS) == "Update"
        assert root.findtext("cap:sent", namespaces=NS) == "2026-11-23T09:00:00+07:00"
        assert root.findtext("cap:references", namespaces=NS) == (
            f"{SENDER},a-1,2026-11-23T08:00:00+07:00"
        )
        assert root.findtext("cap:info/cap:severity", namespaces=NS) == "Extreme"

    def test_cancel_references_and_says_the_danger_is_past(self, lifecycle: list[CapAlert]) -> None:
        cancelled = lifecycle[2]
        assert cancelled.msg_type is MsgType.CANCEL
        root = parse(render_cap(cancelled))
        assert root.findtext("cap:status", namespaces=NS) == "Test"
        assert root.findtext("cap:references", namespaces=NS) == (
            f"{SENDER},a-1,2026-11-23T08:00:00+07:00"
        )
        assert root.findtext("cap:info/cap:urgency", namespaces=NS) == "Past"
        assert "dicabut" in (root.findtext("cap:info/cap:headline", namespaces=NS) or "")
