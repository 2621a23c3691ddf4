"""Which alerts a reader asks for: the filters of the alert list, feeds and stream."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lumbung_weather_alerts.domain.alert_chain import AlertStatus
from lumbung_weather_alerts.domain.cap import Severity


@dataclass(frozen=True)
class AlertQuery:
    """Filters of the alert list (all optional, combined with AND)."""

    zone_id: str | None = None
    regency_prefix: str | None = None
    severity: Severity | None = None
    status: AlertStatus | None = None
    active_at: datetime | None = None
    """Only alerts active at this moment."""
    inactive_at: datetime | None = None
    """Only alerts no longer active at this moment."""
    updated_since: datetime | None = None


@dataclass(frozen=True)
class PageKey:
    """Where a page of alerts (newest issued first) continues: the last item's sort key."""

    issued_at: datetime
    chain_id: str
