"""Which observations still describe the sea ahead, once newer ones have replaced older ones.

Agencies and feeds re-send forecasts for the same hours as they learn more. The newest word
about a stretch of time is the one that counts: a calm forecast received after a rough one for
the same window means the storm has passed, and advice must not stay on "danger" because the
old forecast is still in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .observations import Observation

ADVICE_HORIZON = timedelta(hours=24)


@dataclass(frozen=True)
class ReceivedObservation:
    """An observation and when we received it (the order in which forecasts replace others)."""

    observation: Observation
    received_at: datetime


def conditions_ahead(
    received: Sequence[ReceivedObservation],
    now: datetime,
    horizon: timedelta = ADVICE_HORIZON,
) -> list[Observation]:
    """Observations that still speak for some part of `[now, now + horizon]`, newest first.

    An observation is dropped when its part of the window is entirely covered by a single
    newer observation (newer = received later). Windows outside the horizon are ignored.
    """
    end = now + horizon
    in_window = [
        r for r in received if r.observation.valid_to > now and r.observation.valid_from < end
    ]
    newest_first = sorted(in_window, key=lambda r: r.received_at, reverse=True)
    kept: list[Observation] = []
    for report in newest_first:
        start = max(report.observation.valid_from, now)
        stop = min(report.observation.valid_to, end)
        if not any(k.valid_from <= start and k.valid_to >= stop for k in kept):
            kept.append(report.observation)
    return kept
