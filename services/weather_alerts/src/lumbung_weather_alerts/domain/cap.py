"""How a BMKG sea state becomes a CAP alert: grading, the alert threshold, references, times.

The grading table follows how BMKG words its maritime warnings: from `tinggi` (2.5 m) waves
are dangerous for most small craft, so the warning is Severe; from `sangat tinggi` (4 m) even
large ships are at risk, so it is Extreme and Immediate. Below that a warning (only issued when
a vessel class is in danger) is Moderate or Minor. Forecasts are `Likely`, never `Observed`.

An alert is warranted when the category reaches `DEFAULT_ALERT_THRESHOLD` (`tinggi`) OR any
vessel class is in danger. The second clause is what warns fishing boats: BMKG's advisory puts
them at high risk over 1.25 m or 15 knots, well below `tinggi`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .vessels import Risk, VesselClass
from .waves import WaveCategory


class Severity(StrEnum):
    """CAP 1.2 severity (values as in the standard)."""

    EXTREME = "Extreme"
    SEVERE = "Severe"
    MODERATE = "Moderate"
    MINOR = "Minor"


class Urgency(StrEnum):
    """CAP 1.2 urgency."""

    IMMEDIATE = "Immediate"
    EXPECTED = "Expected"
    FUTURE = "Future"
    PAST = "Past"


class Certainty(StrEnum):
    """CAP 1.2 certainty."""

    OBSERVED = "Observed"
    LIKELY = "Likely"
    POSSIBLE = "Possible"


class MsgType(StrEnum):
    """CAP 1.2 message types this service sends."""

    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"


class CapStatus(StrEnum):
    """CAP 1.2 status: only `Actual` reaches the public; the others are for drills and tests."""

    ACTUAL = "Actual"
    EXERCISE = "Exercise"
    TEST = "Test"


@dataclass(frozen=True)
class CapGrading:
    """Severity, urgency and certainty of one alert."""

    severity: Severity
    urgency: Urgency
    certainty: Certainty


CAP_GRADING: Mapping[WaveCategory, CapGrading] = {
    WaveCategory.TENANG: CapGrading(Severity.MINOR, Urgency.FUTURE, Certainty.POSSIBLE),
    WaveCategory.RENDAH: CapGrading(Severity.MINOR, Urgency.EXPECTED, Certainty.LIKELY),
    WaveCategory.SEDANG: CapGrading(Severity.MODERATE, Urgency.EXPECTED, Certainty.LIKELY),
    WaveCategory.TINGGI: CapGrading(Severity.SEVERE, Urgency.EXPECTED, Certainty.LIKELY),
    WaveCategory.SANGAT_TINGGI: CapGrading(Severity.EXTREME, Urgency.IMMEDIATE, Certainty.LIKELY),
    WaveCategory.EKSTREM: CapGrading(Severity.EXTREME, Urgency.IMMEDIATE, Certainty.LIKELY),
    WaveCategory.SANGAT_EKSTREM: CapGrading(Severity.EXTREME, Urgency.IMMEDIATE, Certainty.LIKELY),
}
"""Grading per BMKG category (see the module docstring for why)."""

DEFAULT_ALERT_THRESHOLD = WaveCategory.TINGGI
"""The category from which an alert is issued even when no vessel class is in danger."""


def alert_warranted(
    category: WaveCategory,
    risks: Mapping[VesselClass, Risk],
    threshold: WaveCategory = DEFAULT_ALERT_THRESHOLD,
) -> bool:
    """True when the sea reaches `threshold` or any vessel class is in danger."""
    return category >= threshold or Risk.DANGER in risks.values()


ALL_CLEAR = CapGrading(Severity.MINOR, Urgency.PAST, Certainty.LIKELY)
"""Grading of a Cancel: the danger has passed ('Past': no action needed any more)."""


def grade(category: WaveCategory, risks: Mapping[VesselClass, Risk]) -> CapGrading:
    """CAP grading for a category; a vessel in danger lifts a Minor alert to Moderate.

    Without the lift, a warning issued because strong wind endangers fishing boats on a
    `rendah` sea would be labelled Minor, which agencies filter out.
    """
    grading = CAP_GRADING[category]
    if grading.severity is Severity.MINOR and Risk.DANGER in risks.values():
        return CapGrading(Severity.MODERATE, Urgency.EXPECTED, Certainty.LIKELY)
    return grading


@dataclass(frozen=True)
class AlertReference:
    """One earlier CAP message, as CAP `references` names it: sender, identifier, sent."""

    sender: str
    identifier: str
    sent: datetime

    def to_cap(self) -> str:
        """The CAP form 'sender,identifier,sent'."""
        return f"{self.sender},{self.identifier},{cap_datetime(self.sent)}"


def format_references(references: Iterable[AlertReference]) -> str:
    """CAP `references`: the earlier messages, space-separated, oldest first."""
    return " ".join(reference.to_cap() for reference in references)


def cap_datetime(moment: datetime) -> str:
    """CAP's date-time form: seconds precision with a numeric offset (never 'Z').

    CAP 1.2 forbids fractional seconds and the 'Z' designator, so `+00:00` is written out.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("CAP times must carry a time zone")
    return moment.replace(microsecond=0).isoformat()
