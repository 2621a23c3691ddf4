"""Sea advice for one vessel at one fishing ground: now, and over the forecast's window.

A fisher choosing a ground asks two things: may I leave now, and will the sea hold while the
fish are there? Each answer is the worst of two sources for the ground's zone:

- the zone's alert, when it is in force over that time (its vessel risk for the class, as the
  CAP message graded it), and
- the observations and forecasts received for the zone that still speak for that time
  (`conditions.conditions_ahead`: a newer word replaces an older one), graded for the vessel
  (`vessels.assess_vessel`); with none at all the answer is `caution`, never `safe`.

"Now" is the next `NOW_SPAN`; the window runs from now (or the forecast's start, if later) to
its end. `danger` in either makes the ground *do not sail*: the planner sorts it last and never
drops it, so a fisher sees why the nearest fish are out of reach. Reasons come in Indonesian
and English, one per source that spoke, so the answer says where it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lumbung_shared.errors import Message

from .alert_chain import AlertStatus, Chain
from .conditions import ReceivedObservation, conditions_ahead
from .vessels import VESSEL_LIMITS, Risk, VesselClass, assess_vessel, worst_risk
from .waves import WaveCategory

NOW_SPAN = timedelta(hours=1)
"""What "now" covers: the hour of departure."""

NO_FORECAST_NOW = Message(
    id="Belum ada prakiraan cuaca maritim untuk saat ini di wilayah ini; tetap waspada.",
    en="No maritime forecast for this zone right now; stay cautious.",
)
NO_FORECAST_WINDOW = Message(
    id="Belum ada prakiraan cuaca maritim untuk seluruh masa berlaku titik ikan ini; "
    "tetap waspada.",
    en="No maritime forecast for this fishing ground's validity window; stay cautious.",
)


@dataclass(frozen=True)
class SeaAdvice:
    """The advice for one vessel class in one zone, now and over a window."""

    now: Risk
    over_window: Risk
    reasons: tuple[Message, ...]

    @property
    def do_not_sail(self) -> bool:
        """Danger now or at any time of the window."""
        return Risk.DANGER in (self.now, self.over_window)


@dataclass(frozen=True)
class _Word:
    risk: Risk
    reason: Message


def sea_advice(
    vessel: VesselClass,
    alert: Chain | None,
    received: Sequence[ReceivedObservation],
    *,
    now: datetime,
    valid_from: datetime,
    valid_until: datetime,
) -> SeaAdvice:
    """Advice for `vessel` from the zone's open alert chain (or None) and its observations."""
    start = max(now, valid_from)
    end = max(valid_until, start)
    alert_now = _alert_word(alert, vessel, now, now + NOW_SPAN)
    alert_window = _alert_word(alert, vessel, start, end)
    seen_now = _observed_word(received, vessel, now, NOW_SPAN, NO_FORECAST_NOW)
    seen_window = _observed_word(received, vessel, start, end - start, NO_FORECAST_WINDOW)
    words_now = [w for w in (alert_now, seen_now) if w is not None]
    words_window = [w for w in (alert_window, seen_window) if w is not None]
    reasons = dict.fromkeys(w.reason for w in (alert_window, alert_now, seen_now, seen_window) if w)
    return SeaAdvice(
        now=worst_risk([w.risk for w in words_now]),
        over_window=worst_risk([w.risk for w in words_window]),
        reasons=tuple(reasons),
    )


def _alert_word(
    alert: Chain | None, vessel: VesselClass, start: datetime, end: datetime
) -> _Word | None:
    """The alert's word when it is in force at some time of `[start, end]`."""
    if alert is None or alert["status"] != AlertStatus.ACTIVE.value:
        return None
    latest = alert["messages"][-1]
    expires: datetime = alert["expires"]
    if expires < start or latest["onset"] > end:
        return None
    risk = Risk(latest["risks"].get(vessel.value, Risk.CAUTION.value))
    return _Word(risk, alert_reason(latest, vessel, risk, expires))


def alert_reason(
    message: dict[str, Any], vessel: VesselClass, risk: Risk, expires: datetime
) -> Message:
    """'Peringatan gelombang tinggi 2.8 m berlaku hingga ...: bahaya untuk perahu nelayan.'"""
    limits = VESSEL_LIMITS[vessel]
    category = WaveCategory(message["category"])
    height = f"{message['significant_wave_m']:g}"
    until = f"{expires:%Y-%m-%d %H:%M} UTC"
    return Message(
        id=f"Peringatan gelombang {category.label_id} {height} m berlaku hingga {until}: "
        f"{risk.label_id} untuk {limits.name_id}.",
        en=f"High-wave warning of {height} m ({category.label_en}) in force until {until}: "
        f"{risk.value} for a {limits.name_en}.",
    )


def _observed_word(
    received: Sequence[ReceivedObservation],
    vessel: VesselClass,
    start: datetime,
    span: timedelta,
    silence: Message,
) -> _Word:
    kept = conditions_ahead(received, start, span)
    if not kept:
        return _Word(Risk.CAUTION, silence)
    worst = max(
        (assess_vessel(vessel, o.wind_speed_knots, o.significant_wave_m) for o in kept),
        key=lambda assessment: assessment.risk.rank,
    )
    return _Word(worst.risk, worst.reason)
