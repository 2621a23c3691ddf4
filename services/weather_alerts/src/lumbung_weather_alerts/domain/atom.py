"""An Atom 1.0 (RFC 4287) index of the active alerts, for agencies that poll rather than listen.

Each entry points at the alert's CAP document; feed readers and CAP aggregators (which read
"CAP via Atom" indexes) then fetch the full message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from .alerts import CapAlert
from .cap import cap_datetime

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"


@dataclass(frozen=True)
class AtomEntry:
    """One alert in the feed."""

    id: str
    title: str
    updated: datetime
    link: str
    summary: str


@dataclass(frozen=True)
class AtomFeed:
    """The feed itself; `updated` is the newest change the caller knows of."""

    id: str
    title: str
    updated: datetime
    self_link: str
    author_name: str
    entries: Sequence[AtomEntry]


def active_alerts(alerts: Iterable[CapAlert], now: datetime) -> list[CapAlert]:
    """The alerts the feed lists: not cancelled, not expired, newest first."""
    active = [alert for alert in alerts if alert.is_active(now)]
    return sorted(active, key=lambda alert: alert.sent, reverse=True)


def entry_for_alert(alert: CapAlert, link: str, language: str = "id") -> AtomEntry:
    """An entry for one alert; `link` is the alert's permanent CAP URL and also its id."""
    return AtomEntry(
        id=link,
        title=alert.headline.pick(language),
        updated=alert.sent,
        link=link,
        summary=alert.description.pick(language),
    )


def render_atom(feed: AtomFeed) -> bytes:
    """The feed as a UTF-8 Atom document with an XML declaration."""
    root = _element("feed")
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    _text(root, "updated", cap_datetime(feed.updated))
    _link(root, feed.self_link, rel="self", media_type="application/atom+xml")
    author = ET.SubElement(root, "author")
    _text(author, "name", feed.author_name)
    for entry in feed.entries:
        root.append(_entry(entry))
    root.set("xmlns", ATOM_NAMESPACE)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml


def _entry(entry: AtomEntry) -> ET.Element:
    element = _element("entry")
    _text(element, "id", entry.id)
    _text(element, "title", entry.title)
    _text(element, "updated", cap_datetime(entry.updated))
    _link(element, entry.link, rel="alternate", media_type=CAP_MEDIA_TYPE)
    _text(element, "summary", entry.summary)
    return element


# Elements are built unqualified under a default xmlns declared on the root: ElementTree's
# `default_namespace` option cannot serialise the unqualified attributes Atom links need.
def _element(tag: str) -> ET.Element:
    return ET.Element(tag)


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text


def _link(parent: ET.Element, href: str, *, rel: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"href": href, "rel": rel, "type": media_type})
