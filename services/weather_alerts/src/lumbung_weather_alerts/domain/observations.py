"""A sea-state observation or forecast for one zone, checked before any rule looks at it.

Agencies post these by hand and feeds are sometimes wrong, so values no sea can produce are
refused rather than turned into a panic (or a false all-clear). The plausible ranges are field
constraints (so the published schema states them); the rules between two fields raise a
bilingual `FieldError` on the later field, so one request reports every bad field at once.
The model is the `POST /v1/observations` body as well as what the feed poller checks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from lumbung_shared.errors import DomainError, FieldError, Message
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from .vessels import Risk, VesselClass, vessel_risk
from .waves import WaveCategory, wave_category

MAX_WAVE_M = 30.0
"""Higher than any wave measured at sea (the record is about 19 m significant, 30 m single)."""
MAX_WIND_KNOTS = 200.0
"""Above the strongest tropical-cyclone winds ever recorded."""
MAX_VALIDITY = timedelta(days=7)
"""BMKG maritime forecasts reach a week ahead; longer windows are input mistakes."""

ZONE_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

EXAMPLE: dict[str, Any] = {
    "zone_id": "selat-bali",
    "valid_from": "2026-03-01T00:00:00+07:00",
    "valid_to": "2026-03-01T12:00:00+07:00",
    "significant_wave_m": 2.8,
    "max_wave_m": 4.0,
    "wind_speed_knots": 18,
    "wind_direction_deg": 135,
    "source": "BMKG Stasiun Meteorologi Maritim Tanjung Perak",
}


class Observation(BaseModel):
    """Sea conditions in one zone over a validity window (observed or forecast)."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_extra={"examples": [EXAMPLE]}
    )

    zone_id: str = Field(
        pattern=ZONE_ID_PATTERN, max_length=80, description="Zone slug (`GET /v1/zones`)."
    )
    valid_from: AwareDatetime = Field(description="Start of validity, with a UTC offset.")
    valid_to: AwareDatetime = Field(
        description="End of validity: after `valid_from`, at most 7 days later."
    )
    significant_wave_m: float = Field(
        ge=0, le=MAX_WAVE_M, allow_inf_nan=False, description="Significant wave height (m)."
    )
    max_wave_m: float = Field(
        ge=0,
        le=MAX_WAVE_M,
        allow_inf_nan=False,
        description="Maximum wave height (m), not below the significant height.",
    )
    wind_speed_knots: float = Field(ge=0, le=MAX_WIND_KNOTS, allow_inf_nan=False)
    wind_direction_deg: float = Field(
        ge=0, le=360, allow_inf_nan=False, description="Direction the wind comes from."
    )
    source: str = Field(min_length=1, max_length=200, description="Who observed or forecast.")

    @field_validator("valid_from", "valid_to")
    @classmethod
    def _representable_in_utc(cls, moment: datetime) -> datetime:
        """Stored in UTC: a time at the calendar's edge whose UTC equivalent falls outside
        years 1-9999 (e.g. 0001-01-01T00:00+14:00) cannot be kept, so it is a field error."""
        try:
            moment.astimezone(UTC)
        except OverflowError:
            raise FieldError(
                "time-out-of-range",
                Message(
                    id="Waktu ini di luar rentang yang dapat disimpan (tahun 1-9999 UTC).",
                    en="This time is outside the storable range (years 1-9999 UTC).",
                ),
            ) from None
        return moment

    @field_validator("max_wave_m")
    @classmethod
    def _max_not_below_significant(cls, max_m: float, info: ValidationInfo) -> float:
        significant_m = info.data.get("significant_wave_m")
        if significant_m is not None and max_m < significant_m:
            raise FieldError(
                "max-wave-below-significant",
                Message(
                    id="Tinggi gelombang maksimum tidak boleh lebih kecil dari gelombang "
                    "signifikan.",
                    en="Maximum wave height cannot be lower than the significant wave height.",
                ),
            )
        return max_m

    @field_validator("valid_to")
    @classmethod
    def _window(cls, valid_to: datetime, info: ValidationInfo) -> datetime:
        valid_from = info.data.get("valid_from")
        if valid_from is None:
            return valid_to
        if valid_to <= valid_from:
            raise FieldError(
                "validity-window-empty",
                Message(
                    id="Akhir masa berlaku harus sesudah awal masa berlaku.",
                    en="valid_to must be after valid_from.",
                ),
            )
        if valid_to - valid_from > MAX_VALIDITY:
            raise FieldError(
                "validity-window-too-long",
                Message(
                    id="Masa berlaku prakiraan paling lama 7 hari.",
                    en="A forecast may be valid for at most 7 days.",
                ),
            )
        return valid_to

    @property
    def category(self) -> WaveCategory:
        """BMKG category of the significant wave height."""
        return wave_category(self.significant_wave_m)

    def vessel_risks(self) -> dict[VesselClass, Risk]:
        """Risk per vessel class (see `vessels.vessel_risk`)."""
        return vessel_risk(self.wind_speed_knots, self.significant_wave_m)


def zone_not_found(zone_id: str) -> DomainError:
    """The observation is well-formed but names a zone we do not have: 404, not 422.

    The body itself is valid (the zone could exist); what is absent is the zone it refers to,
    so the answer points at the list of zones rather than at a field rule.
    """
    return DomainError(
        code="zone-not-found",
        message=Message(
            id=f"Wilayah perairan '{zone_id}' tidak dikenal; daftar wilayah: GET /v1/zones.",
            en=f"Unknown maritime zone '{zone_id}'; the zones are listed at GET /v1/zones.",
        ),
        status=404,
        extra={"field": "zone_id"},
    )
