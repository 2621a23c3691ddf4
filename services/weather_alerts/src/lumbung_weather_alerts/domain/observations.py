"""A sea-state observation or forecast for one zone, checked before any rule looks at it.

Agencies post these by hand and feeds are sometimes wrong, so values no sea can produce are
refused rather than turned into a panic (or a false all-clear). Each refusal is a `DomainError`
with status 422 and a message in Indonesian and English, naming the field in `extra`.
"""

from __future__ import annotations

import math
from datetime import timedelta

from lumbung_shared.errors import DomainError, Message
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from .vessels import Risk, VesselClass, vessel_risk
from .waves import WaveCategory, wave_category

MAX_WAVE_M = 30.0
"""Higher than any wave measured at sea (the record is about 19 m significant, 30 m single)."""
MAX_WIND_KNOTS = 200.0
"""Above the strongest tropical-cyclone winds ever recorded."""
MAX_VALIDITY = timedelta(days=7)
"""BMKG maritime forecasts reach a week ahead; longer windows are input mistakes."""

ZONE_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Observation(BaseModel):
    """Sea conditions in one zone over a validity window (observed or forecast)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    zone_id: str = Field(pattern=ZONE_ID_PATTERN, max_length=80)
    valid_from: AwareDatetime
    valid_to: AwareDatetime
    significant_wave_m: float
    max_wave_m: float
    wind_speed_knots: float
    wind_direction_deg: float
    source: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _check_rules(self) -> Observation:
        _check_range("significant_wave_m", self.significant_wave_m, MAX_WAVE_M, "m")
        _check_range("max_wave_m", self.max_wave_m, MAX_WAVE_M, "m")
        _check_range("wind_speed_knots", self.wind_speed_knots, MAX_WIND_KNOTS, "knot")
        _check_range("wind_direction_deg", self.wind_direction_deg, 360.0, "°")
        _check_max_not_below_significant(self.significant_wave_m, self.max_wave_m)
        _check_window(self.valid_to - self.valid_from)
        return self

    @property
    def category(self) -> WaveCategory:
        """BMKG category of the significant wave height."""
        return wave_category(self.significant_wave_m)

    def vessel_risks(self) -> dict[VesselClass, Risk]:
        """Risk per vessel class (see `vessels.vessel_risk`)."""
        return vessel_risk(self.wind_speed_knots, self.significant_wave_m)


def invalid_observation(field: str, message: Message) -> DomainError:
    """The error every observation rule raises (422, bilingual, field named)."""
    return DomainError(
        code="invalid-observation", message=message, status=422, extra={"field": field}
    )


def _check_range(field: str, value: float, upper: float, unit: str) -> None:
    if math.isnan(value) or value < 0:
        raise invalid_observation(
            field,
            Message(
                id=f"Nilai {field} tidak boleh negatif atau kosong.",
                en=f"{field} must not be negative or missing.",
            ),
        )
    if value > upper:
        raise invalid_observation(
            field,
            Message(
                id=f"Nilai {field} {value:g} {unit} tidak masuk akal (maksimum {upper:g}).",
                en=f"{field} of {value:g} {unit} is not plausible (maximum {upper:g}).",
            ),
        )


def _check_max_not_below_significant(significant_m: float, max_m: float) -> None:
    if max_m < significant_m:
        raise invalid_observation(
            "max_wave_m",
            Message(
                id="Tinggi gelombang maksimum tidak boleh lebih kecil dari gelombang signifikan.",
                en="Maximum wave height cannot be lower than the significant wave height.",
            ),
        )


def _check_window(duration: timedelta) -> None:
    if duration <= timedelta(0):
        raise invalid_observation(
            "valid_to",
            Message(
                id="Akhir masa berlaku harus sesudah awal masa berlaku.",
                en="valid_to must be after valid_from.",
            ),
        )
    if duration > MAX_VALIDITY:
        raise invalid_observation(
            "valid_to",
            Message(
                id="Masa berlaku prakiraan paling lama 7 hari.",
                en="A forecast may be valid for at most 7 days.",
            ),
        )
