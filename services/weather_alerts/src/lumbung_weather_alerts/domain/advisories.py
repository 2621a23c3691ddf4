"""Go/no-go advice for one vessel in one zone over the next 24 hours.

A fisher asks "may my boat go out?", not "what is the sea state?". The answer takes the worst
conditions forecast for the coming day: a calm morning does not make a rough afternoon safe.
With no forecast at all we answer `caution`, never `safe`: silence is not an all-clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lumbung_shared.errors import Message

from .observations import Observation
from .vessels import Risk, VesselClass, assess_vessel
from .waves import WaveCategory
from .zones import Zone


@dataclass(frozen=True)
class Advisory:
    """The advice for one vessel class in one zone."""

    zone_id: str
    vessel: VesselClass
    level: Risk
    reason: Message
    category: WaveCategory | None
    """Worst wave category expected; None when there is no forecast."""


NO_FORECAST = Message(
    id="Belum ada prakiraan cuaca maritim untuk 24 jam ke depan; tetap waspada.",
    en="No maritime forecast for the next 24 hours yet; stay cautious.",
)


def advise(zone: Zone, conditions_next_24h: Sequence[Observation], vessel: VesselClass) -> Advisory:
    """Advice for `vessel` in `zone` from the observations covering the next 24 hours.

    The caller selects the observations; any for another zone is a caller bug.
    """
    if any(o.zone_id != zone.id for o in conditions_next_24h):
        raise ValueError("conditions for another zone were passed")
    if not conditions_next_24h:
        return Advisory(zone.id, vessel, Risk.CAUTION, NO_FORECAST, None)
    worst = max(
        (
            assess_vessel(vessel, o.wind_speed_knots, o.significant_wave_m)
            for o in conditions_next_24h
        ),
        key=lambda assessment: assessment.risk.rank,
    )
    category = max(o.category for o in conditions_next_24h)
    return Advisory(zone.id, vessel, worst.risk, worst.reason, category)
