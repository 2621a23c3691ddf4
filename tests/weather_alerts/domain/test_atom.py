"""The Atom index lists active alerts only, each linking to its CAP document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

from lumbung_weather_alerts.domain.alerts import CapAlert, cap_alert_from_decision
from lumbung_weather_alerts.domain.atom import (
    ATOM_NAMESPACE,
    CAP_MEDIA_TYPE,
    AtomFeed,
    active_alerts,
    entry_for_alert,
    render_atom,
)
from lumbung_weather_alerts.domain.cap import MsgType
from lumbung_weather_alerts.domain.lifecycle import Issue, Observation, decide
from lumbung_weather_alerts.domain.zones import ZONES_BY_ID

ObservationFactory = Callable[..., Observation]
NS = {"a": ATOM_NAMESPACE}
BASE = "https://alerts.lumbung.id/v1/alerts"


def parse(xml: bytes) -> ET.Element:
    """Parse a document our own renderer produced (trusted input)."""
    return ET.fromstring(xml)  # noqa: S314 - our renderer's output, not untrusted input


def alert(observe: ObservationFactory, now: datetime, identifier: str, sent: datetime) -> CapAlert:
    issue = decide(None, observe(significant_wave_m=2.8), now)
    assert isinstance(issue, Issue)
    zone = ZONES_BY_ID["perairan-kepulauan-seribu"]
    return cap_alert_from_decision(issue, zone, identifier=identifier, sender="s@l.id", sent=sent)


class TestActiveAlerts:
    def test_expired_and_cancelled_alerts_are_left_out_newest_first(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        older = alert(observe, now, "a-1", now)
        newer = alert(observe, now, "a-2", now + timedelta(minutes=5))
        expired = replace(older, identifier="a-3", expires=now - timedelta(seconds=1))
        cancelled = replace(older, identifier="a-4", msg_type=MsgType.CANCEL)
        active = active_alerts([older, expired, cancelled, newer], now)
        assert [a.identifier for a in active] == ["a-2", "a-1"]


class TestFeed:
    def test_feed_has_required_elements_and_entries(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        one = alert(observe, now, "a-1", now)
        feed = AtomFeed(
            id=f"{BASE}.atom",
            title="Peringatan gelombang aktif",
            updated=now,
            self_link=f"{BASE}.atom",
            author_name="Lumbung",
            entries=[entry_for_alert(one, f"{BASE}/a-1.xml")],
        )
        root = parse(render_atom(feed))
        assert root.tag == f"{{{ATOM_NAMESPACE}}}feed"
        assert root.findtext("a:id", namespaces=NS) == f"{BASE}.atom"
        assert root.findtext("a:updated", namespaces=NS) == "2026-11-23T01:00:00+00:00"
        assert root.findtext("a:author/a:name", namespaces=NS) == "Lumbung"
        entry = root.find("a:entry", NS)
        assert entry is not None
        assert entry.findtext("a:id", namespaces=NS) == f"{BASE}/a-1.xml"
        assert entry.findtext("a:title", namespaces=NS) == one.headline.id
        assert entry.findtext("a:summary", namespaces=NS) == one.description.id
        link = entry.find("a:link", NS)
        assert link is not None
        assert (link.get("href"), link.get("type")) == (f"{BASE}/a-1.xml", CAP_MEDIA_TYPE)

    def test_english_entries_on_request(self, observe: ObservationFactory, now: datetime) -> None:
        one = alert(observe, now, "a-1", now)
        assert entry_for_alert(one, "https://x/a-1", language="en").title == one.headline.en
