"""Shared builders for the weather-alerts domain specifications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lumbung_weather_alerts.domain.observations import Observation

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
ObservationFactory = Callable[..., Observation]


@pytest.fixture
def now() -> datetime:
    """A fixed 'now' so every rule is deterministic."""
    return NOW


@pytest.fixture
def observe() -> ObservationFactory:
    """Build an observation for the Kepulauan Seribu zone valid from now for 24 hours."""

    def build(**changes: Any) -> Observation:
        values: dict[str, Any] = {
            "zone_id": "perairan-kepulauan-seribu",
            "valid_from": NOW,
            "valid_to": NOW + timedelta(hours=24),
            "significant_wave_m": 0.3,
            "max_wave_m": 0.5,
            "wind_speed_knots": 5.0,
            "wind_direction_deg": 90.0,
            "source": "BMKG",
        }
        values.update(changes)
        if "max_wave_m" not in changes:
            values["max_wave_m"] = max(values["max_wave_m"], values["significant_wave_m"])
        return Observation(**values)

    return build
