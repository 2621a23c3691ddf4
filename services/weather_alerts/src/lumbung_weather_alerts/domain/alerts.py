"""A publishable alert: one decision of the lifecycle dressed with identity and bilingual text.

CAP XML, the Atom feed and webhooks all render this one object, so that an agency reading the
feed and a fisher reading the app see the same words. Texts are built here, in Indonesian first
(the language of the people at sea) and English second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lumbung_shared.errors import Message

from .cap import ALL_CLEAR, AlertReference, CapGrading, CapStatus, MsgType
from .lifecycle import Cancel, Issue, Update
from .vessels import VESSEL_LIMITS, Risk, VesselClass
from .waves import WaveCategory
from .zones import Zone

EVENT = Message(id="Gelombang tinggi", en="High waves")


@dataclass(frozen=True)
class CapAlert:
    """Everything needed to render one CAP message (Alert, Update or Cancel) for a zone."""

    identifier: str
    sender: str
    sent: datetime
    msg_type: MsgType
    zone: Zone
    category: WaveCategory
    grading: CapGrading
    risks: Mapping[VesselClass, Risk]
    significant_wave_m: float
    max_wave_m: float
    wind_speed_knots: float
    onset: datetime
    expires: datetime
    references: tuple[AlertReference, ...] = ()
    status: CapStatus = CapStatus.ACTUAL
    sender_name: str = "Lumbung - peringatan cuaca maritim"

    def is_active(self, now: datetime) -> bool:
        """Active alerts are the ones the Atom index lists: not cancelled and not expired."""
        return self.msg_type is not MsgType.CANCEL and self.expires >= now

    @property
    def headline(self) -> Message:
        """One line saying what, where (and whether it is new, changed or over)."""
        return _headline(self)

    @property
    def description(self) -> Message:
        """The measured or forecast values and the risk for each vessel class."""
        return _description(self)

    @property
    def instruction(self) -> Message:
        """What people at sea should do."""
        return _instruction(self)


def cap_alert_from_decision(
    decision: Issue | Update | Cancel,
    zone: Zone,
    *,
    identifier: str,
    sender: str,
    sent: datetime,
    status: CapStatus = CapStatus.ACTUAL,
) -> CapAlert:
    """Give a lifecycle decision its identity (assigned by the caller) and its zone."""
    observation = decision.observation
    grading = ALL_CLEAR if isinstance(decision, Cancel) else decision.grading
    references = () if isinstance(decision, Issue) else decision.references
    return CapAlert(
        identifier=identifier,
        sender=sender,
        sent=sent,
        msg_type=decision.msg_type,
        zone=zone,
        category=decision.category,
        grading=grading,
        risks=decision.risks,
        significant_wave_m=observation.significant_wave_m,
        max_wave_m=observation.max_wave_m,
        wind_speed_knots=observation.wind_speed_knots,
        onset=observation.valid_from,
        expires=observation.valid_to,
        references=references,
        status=status,
    )


def _headline(alert: CapAlert) -> Message:
    zone, category = alert.zone, alert.category
    if alert.msg_type is MsgType.CANCEL:
        return Message(
            id=f"Peringatan gelombang di {zone.name_id} dicabut",
            en=f"Sea warning for {zone.name_en} cancelled",
        )
    prefix_id, prefix_en = (
        ("Pembaruan: ", "Update: ") if alert.msg_type is MsgType.UPDATE else ("", "")
    )
    return Message(
        id=f"{prefix_id}Peringatan gelombang {category.label_id} di {zone.name_id}",
        en=f"{prefix_en}{category.label_en.capitalize()} sea warning for {zone.name_en}",
    )


def _description(alert: CapAlert) -> Message:
    risks_id = ", ".join(f"{VESSEL_LIMITS[v].name_id} {r.label_id}" for v, r in alert.risks.items())
    risks_en = ", ".join(f"{VESSEL_LIMITS[v].name_en} {r.value}" for v, r in alert.risks.items())
    hs, hmax, wind = alert.significant_wave_m, alert.max_wave_m, alert.wind_speed_knots
    return Message(
        id=(
            f"Tinggi gelombang signifikan {hs:g} m (maksimum {hmax:g} m), angin {wind:g} knot: "
            f"kategori {alert.category.label_id}. Risiko pelayaran: {risks_id}."
        ),
        en=(
            f"Significant wave height {hs:g} m (maximum {hmax:g} m), wind {wind:g} knots: "
            f"{alert.category.label_en}. Sailing risk: {risks_en}."
        ),
    )


def _instruction(alert: CapAlert) -> Message:
    if alert.msg_type is MsgType.CANCEL:
        return Message(
            id="Kondisi laut membaik. Pelayaran dapat dilanjutkan dengan tetap waspada.",
            en="The sea has calmed. Sailing may resume with care.",
        )
    in_danger = [v for v, r in alert.risks.items() if r is Risk.DANGER]
    if not in_danger:
        return Message(
            id="Tetap waspada dan pantau pembaruan prakiraan BMKG.",
            en="Stay alert and follow BMKG forecast updates.",
        )
    names_id = ", ".join(VESSEL_LIMITS[v].name_id for v in in_danger)
    names_en = ", ".join(VESSEL_LIMITS[v].name_en for v in in_danger)
    return Message(
        id=f"Jangan berlayar dengan {names_id}. Pantau pembaruan prakiraan BMKG.",
        en=f"Do not sail by {names_en}. Follow BMKG forecast updates.",
    )
