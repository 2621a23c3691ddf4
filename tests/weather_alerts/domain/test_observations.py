"""Observations that no sea can produce are refused with a bilingual 422."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from lumbung_shared.errors import DomainError
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.domain.waves import WaveCategory
from pydantic import ValidationError

ObservationFactory = Callable[..., Observation]


class TestValidObservation:
    def test_plausible_values_are_accepted(self, observe: ObservationFactory) -> None:
        observation = observe(significant_wave_m=2.8, max_wave_m=4.5, wind_speed_knots=18)
        assert observation.category is WaveCategory.TINGGI
        assert observation.vessel_risks()[VesselClass.FISHING_BOAT] is Risk.DANGER

    @pytest.mark.parametrize("direction", [0.0, 360.0])
    def test_wind_direction_bounds_are_included(
        self, observe: ObservationFactory, direction: float
    ) -> None:
        assert observe(wind_direction_deg=direction).wind_direction_deg == direction

    def test_a_week_long_forecast_is_accepted(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        observe(valid_to=now + timedelta(days=7))


class TestRejectedObservation:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"significant_wave_m": -0.1}, "significant_wave_m"),
            ({"significant_wave_m": float("nan")}, "significant_wave_m"),
            ({"significant_wave_m": 31.0, "max_wave_m": 31.0}, "significant_wave_m"),
            ({"max_wave_m": 30.5}, "max_wave_m"),
            ({"significant_wave_m": 3.0, "max_wave_m": 2.0}, "max_wave_m"),
            ({"wind_speed_knots": -1.0}, "wind_speed_knots"),
            ({"wind_speed_knots": 201.0}, "wind_speed_knots"),
            ({"wind_speed_knots": float("inf")}, "wind_speed_knots"),
            ({"wind_direction_deg": -5.0}, "wind_direction_deg"),
            ({"wind_direction_deg": 361.0}, "wind_direction_deg"),
            ({"valid_to": timedelta(0)}, "valid_to"),
            ({"valid_to": timedelta(hours=-1)}, "valid_to"),
            ({"valid_to": timedelta(days=7, seconds=1)}, "valid_to"),
        ],
    )
    def test_rule_violation_is_a_bilingual_422(
        self, observe: ObservationFactory, now: datetime, changes: dict[str, Any], field: str
    ) -> None:
        if "valid_to" in changes:  # given as an offset from valid_from
            changes = {"valid_to": now + changes["valid_to"]}
        with pytest.raises(DomainError) as raised:
            observe(**changes)
        error = raised.value
        assert (error.status, error.code, error.extra["field"]) == (
            422,
            "invalid-observation",
            field,
        )
        assert error.message.id
        assert error.message.en
        assert error.message.id != error.message.en

    def test_times_without_a_zone_are_refused(self, now: datetime) -> None:
        with pytest.raises(ValidationError):
            Observation(
                zone_id="selat-bali",
                valid_from=now.replace(tzinfo=None),
                valid_to=now.replace(tzinfo=None) + timedelta(hours=1),
                significant_wave_m=1,
                max_wave_m=1,
                wind_speed_knots=1,
                wind_direction_deg=1,
                source="BMKG",
            )

    def test_zone_id_must_be_a_slug(self, observe: ObservationFactory) -> None:
        with pytest.raises(ValidationError):
            observe(zone_id="Selat Bali")
