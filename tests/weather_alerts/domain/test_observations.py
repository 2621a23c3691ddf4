"""Observations that no sea can produce are refused, every bad field at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from lumbung_shared.errors import FieldError
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


def refusals(error: ValidationError) -> dict[str, str]:
    """Each refused field (dotted) and pydantic's error type for it."""
    return {".".join(map(str, e["loc"])): e["type"] for e in error.errors()}


class TestRejectedObservation:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"significant_wave_m": -0.1}, "significant_wave_m"),
            ({"significant_wave_m": float("nan")}, "significant_wave_m"),
            ({"significant_wave_m": 31.0, "max_wave_m": 31.0}, "significant_wave_m"),
            ({"max_wave_m": 30.5}, "max_wave_m"),
            ({"wind_speed_knots": -1.0}, "wind_speed_knots"),
            ({"wind_speed_knots": 201.0}, "wind_speed_knots"),
            ({"wind_speed_knots": float("inf")}, "wind_speed_knots"),
            ({"wind_direction_deg": -5.0}, "wind_direction_deg"),
            ({"wind_direction_deg": 361.0}, "wind_direction_deg"),
        ],
    )
    def test_implausible_value_is_refused_on_its_field(
        self, observe: ObservationFactory, changes: dict[str, Any], field: str
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            observe(**changes)
        assert field in refusals(raised.value)

    @pytest.mark.parametrize(
        ("changes", "field", "code"),
        [
            (
                {"significant_wave_m": 3.0, "max_wave_m": 2.0},
                "max_wave_m",
                "max-wave-below-significant",
            ),
            ({"valid_to": timedelta(0)}, "valid_to", "validity-window-empty"),
            ({"valid_to": timedelta(hours=-1)}, "valid_to", "validity-window-empty"),
            ({"valid_to": timedelta(days=7, seconds=1)}, "valid_to", "validity-window-too-long"),
        ],
    )
    def test_rule_between_fields_is_a_bilingual_field_error(
        self,
        observe: ObservationFactory,
        now: datetime,
        changes: dict[str, Any],
        field: str,
        code: str,
    ) -> None:
        if "valid_to" in changes:  # given as an offset from valid_from
            changes = {"valid_to": now + changes["valid_to"]}
        with pytest.raises(ValidationError) as raised:
            observe(**changes)
        [error] = raised.value.errors()
        assert error["loc"] == (field,)
        refusal = error["ctx"]["error"]
        assert isinstance(refusal, FieldError)
        assert refusal.code == code
        assert refusal.message.id != refusal.message.en

    def test_every_bad_field_is_reported_at_once(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            observe(
                significant_wave_m=-1.0,
                wind_speed_knots=900.0,
                valid_to=now - timedelta(hours=1),
                source="",
            )
        assert set(refusals(raised.value)) == {
            "significant_wave_m",
            "wind_speed_knots",
            "valid_to",
            "source",
        }

    def test_the_schema_states_the_plausible_ranges(self) -> None:
        properties = Observation.model_json_schema()["properties"]
        assert properties["significant_wave_m"]["maximum"] == 30.0
        assert properties["wind_speed_knots"]["maximum"] == 200.0
        assert (
            properties["wind_direction_deg"]["minimum"],
            properties["wind_direction_deg"]["maximum"],
        ) == (0, 360)

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

    def test_a_time_with_no_utc_equivalent_in_the_calendar_is_a_field_error(self) -> None:
        with pytest.raises(ValidationError) as raised:
            Observation.model_validate(
                {
                    "zone_id": "selat-bali",
                    "valid_from": "0001-01-01T00:00:00+14:00",
                    "valid_to": "0001-01-01T01:00:00+14:00",
                    "significant_wave_m": 1,
                    "max_wave_m": 1,
                    "wind_speed_knots": 1,
                    "wind_direction_deg": 1,
                    "source": "BMKG",
                }
            )
        codes = {(e["loc"][0], e["ctx"]["error"].code) for e in raised.value.errors()}
        assert codes == {("valid_from", "time-out-of-range"), ("valid_to", "time-out-of-range")}

    def test_zone_id_must_be_a_slug(self, observe: ObservationFactory) -> None:
        with pytest.raises(ValidationError):
            observe(zone_id="Selat Bali")
