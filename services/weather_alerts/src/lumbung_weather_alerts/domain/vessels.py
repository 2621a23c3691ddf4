"""Sailing risk per vessel class, from BMKG's standard 'high risk to sailing safety' advisory.

BMKG states for each vessel class the wind and wave heights *over* which sailing is high risk.
We turn that into three levels so a fisher gets warned before the line is crossed:

- `danger`  when the wind is over the class's wind limit OR the waves are over its wave limit
  (strictly over, as BMKG words it: exactly 1.25 m is not yet danger for a fishing boat);
- `caution` when either value has reached 80 % of its limit (`CAUTION_FRACTION`), i.e. it is
  within a fifth of the limit and a forecast error or a gust could cross it;
- `safe` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum

from lumbung_shared.errors import Message

CAUTION_FRACTION = 0.8
"""Share of a limit from which we already advise caution."""


class VesselClass(StrEnum):
    """The vessel classes BMKG's advisory distinguishes."""

    FISHING_BOAT = "fishing_boat"
    BARGE = "barge"
    FERRY = "ferry"
    LARGE_SHIP = "large_ship"


class Risk(Enum):
    """Go/no-go level for one vessel class, ordered safe < caution < danger."""

    SAFE = "safe"
    CAUTION = "caution"
    DANGER = "danger"

    @property
    def rank(self) -> int:
        """0 for safe, 1 for caution, 2 for danger: the worst of several risks is the max."""
        return _RISK_RANKS[self]

    @property
    def label_id(self) -> str:
        """Indonesian word shown to fishers."""
        return _RISK_LABELS_ID[self]


_RISK_RANKS = {Risk.SAFE: 0, Risk.CAUTION: 1, Risk.DANGER: 2}
_RISK_LABELS_ID = {Risk.SAFE: "aman", Risk.CAUTION: "waspada", Risk.DANGER: "bahaya"}


def worst_risk(risks: list[Risk]) -> Risk:
    """The most severe of the given risks (safe when there are none)."""
    return max(risks, key=lambda risk: risk.rank, default=Risk.SAFE)


@dataclass(frozen=True)
class VesselLimits:
    """BMKG's high-risk limits for one vessel class."""

    vessel: VesselClass
    name_id: str
    name_en: str
    wind_knots: float
    wave_m: float

    @property
    def caution_wind_knots(self) -> float:
        """Wind from which the advice is `caution`: 80 % of the limit, rounded as published (so
        a value at the published line is `caution`, whatever the float product says)."""
        return round(CAUTION_FRACTION * self.wind_knots, 2)

    @property
    def caution_wave_m(self) -> float:
        """Waves from which the advice is `caution`: 80 % of the limit, rounded as published
        (0.8 * 1.5 is the float 1.2000000000000002, which would leave 1.2 m `safe`)."""
        return round(CAUTION_FRACTION * self.wave_m, 2)


VESSEL_LIMITS: Mapping[VesselClass, VesselLimits] = {
    limits.vessel: limits
    for limits in (
        VesselLimits(VesselClass.FISHING_BOAT, "perahu nelayan", "fishing boat", 15, 1.25),
        VesselLimits(VesselClass.BARGE, "kapal tongkang", "barge", 16, 1.5),
        VesselLimits(VesselClass.FERRY, "kapal ferry", "ferry", 21, 2.5),
        VesselLimits(VesselClass.LARGE_SHIP, "kapal ukuran besar", "large ship", 27, 4.0),
    )
}


@dataclass(frozen=True)
class VesselAssessment:
    """The risk for one vessel class and why, in both languages."""

    vessel: VesselClass
    risk: Risk
    reason: Message


def assess_vessel(vessel: VesselClass, wind_knots: float, wave_m: float) -> VesselAssessment:
    """Grade the given wind and waves against one vessel class's limits."""
    limits = VESSEL_LIMITS[vessel]
    over_wind = wind_knots > limits.wind_knots
    over_wave = wave_m > limits.wave_m
    if over_wind or over_wave:
        return VesselAssessment(vessel, Risk.DANGER, _danger_reason(limits, over_wind, over_wave))
    near_wind = wind_knots >= limits.caution_wind_knots
    near_wave = wave_m >= limits.caution_wave_m
    if near_wind or near_wave:
        return VesselAssessment(vessel, Risk.CAUTION, _caution_reason(limits))
    return VesselAssessment(vessel, Risk.SAFE, _safe_reason(limits))


def assess_all(wind_knots: float, wave_m: float) -> dict[VesselClass, VesselAssessment]:
    """Assessments for every vessel class, in the table's order (smallest vessel first)."""
    return {vessel: assess_vessel(vessel, wind_knots, wave_m) for vessel in VESSEL_LIMITS}


def vessel_risk(wind_knots: float, wave_m: float) -> dict[VesselClass, Risk]:
    """Risk level for every vessel class under the given wind (knots) and waves (metres)."""
    return {vessel: a.risk for vessel, a in assess_all(wind_knots, wave_m).items()}


def _limit_text(limits: VesselLimits, over_wind: bool, over_wave: bool) -> tuple[str, str]:
    wind = (f"angin di atas {limits.wind_knots:g} knot", f"wind over {limits.wind_knots:g} knots")
    wave = (f"gelombang di atas {limits.wave_m:g} m", f"waves over {limits.wave_m:g} m")
    parts = [p for p, hit in ((wind, over_wind), (wave, over_wave)) if hit]
    return " dan ".join(p[0] for p in parts), " and ".join(p[1] for p in parts)


def _danger_reason(limits: VesselLimits, over_wind: bool, over_wave: bool) -> Message:
    text_id, text_en = _limit_text(limits, over_wind, over_wave)
    return Message(
        id=f"Berbahaya untuk {limits.name_id}: {text_id}.",
        en=f"Dangerous for a {limits.name_en}: {text_en}.",
    )


def _caution_reason(limits: VesselLimits) -> Message:
    return Message(
        id=(
            f"Waspada untuk {limits.name_id}: angin atau gelombang mendekati batas "
            f"{limits.wind_knots:g} knot / {limits.wave_m:g} m."
        ),
        en=(
            f"Caution for a {limits.name_en}: wind or waves near the limit of "
            f"{limits.wind_knots:g} knots / {limits.wave_m:g} m."
        ),
    )


def _safe_reason(limits: VesselLimits) -> Message:
    return Message(
        id=f"Aman untuk {limits.name_id}: angin dan gelombang jauh di bawah batas.",
        en=f"Safe for a {limits.name_en}: wind and waves well below the limits.",
    )
