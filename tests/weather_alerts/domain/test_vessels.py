"""Sailing risk per vessel class from BMKG's wind and wave limits."""

from __future__ import annotations

import pytest
from lumbung_weather_alerts.domain.vessels import (
    CAUTION_FRACTION,
    VESSEL_LIMITS,
    Risk,
    VesselClass,
    assess_vessel,
    vessel_risk,
    worst_risk,
)

LIMITS = [
    (VesselClass.FISHING_BOAT, 15, 1.25),
    (VesselClass.BARGE, 16, 1.5),
    (VesselClass.FERRY, 21, 2.5),
    (VesselClass.LARGE_SHIP, 27, 4.0),
]


class TestBmkgLimits:
    @pytest.mark.parametrize(("vessel", "wind", "wave"), LIMITS)
    def test_limits_match_the_bmkg_advisory(
        self, vessel: VesselClass, wind: float, wave: float
    ) -> None:
        assert (VESSEL_LIMITS[vessel].wind_knots, VESSEL_LIMITS[vessel].wave_m) == (wind, wave)


class TestDanger:
    @pytest.mark.parametrize(("vessel", "wind", "wave"), LIMITS)
    def test_wind_over_the_limit_is_danger(
        self, vessel: VesselClass, wind: float, wave: float
    ) -> None:
        assert assess_vessel(vessel, wind + 0.1, 0.0).risk is Risk.DANGER

    @pytest.mark.parametrize(("vessel", "wind", "wave"), LIMITS)
    def test_waves_over_the_limit_are_danger(
        self, vessel: VesselClass, wind: float, wave: float
    ) -> None:
        assert assess_vessel(vessel, 0.0, wave + 0.01).risk is Risk.DANGER

    @pytest.mark.parametrize(("vessel", "wind", "wave"), LIMITS)
    def test_exactly_at_the_limit_is_not_yet_danger(
        self, vessel: VesselClass, wind: float, wave: float
    ) -> None:
        assert assess_vessel(vessel, wind, wave).risk is Risk.CAUTION

    def test_reason_names_what_was_exceeded_in_both_languages(self) -> None:
        reason = assess_vessel(VesselClass.FISHING_BOAT, 20, 2.8).reason
        assert "perahu nelayan" in reason.id
        assert "angin di atas 15 knot dan gelombang di atas 1.25 m" in reason.id
        assert "fishing boat" in reason.en
        assert "wind over 15 knots and waves over 1.25 m" in reason.en


class TestCaution:
    @pytest.mark.parametrize(("vessel", "wind", "wave"), LIMITS)
    def test_wind_from_eighty_percent_of_the_limit_is_caution(
        self, vessel: VesselClass, wind: float, wave: float
    ) -> None:
        assert assess_vessel(vessel, CAUTION_FRACTION * wind, 0.0).risk is Risk.CAUTION

    @pytest.mark.parametrize(("vessel", "wind", "wave"), LIMITS)
    def test_waves_from_eighty_percent_of_the_limit_are_caution(
        self, vessel: VesselClass, wind: float, wave: float
    ) -> None:
        assert assess_vessel(vessel, 0.0, CAUTION_FRACTION * wave).risk is Risk.CAUTION

    @pytest.mark.parametrize(
        ("vessel", "wind", "wave"),
        [(VesselClass.BARGE, 0.0, 1.2), (VesselClass.BARGE, 12.8, 0.0)],
    )
    def test_the_published_caution_line_itself_is_caution(
        self, vessel: VesselClass, wind: float, wave: float
    ) -> None:
        # 0.8 * 1.5 is the float 1.2000000000000002: 1.2 m must not slip under it as `safe`.
        assert (VESSEL_LIMITS[vessel].caution_wave_m, VESSEL_LIMITS[vessel].caution_wind_knots) == (
            1.2,
            12.8,
        )
        assert assess_vessel(vessel, wind, wave).risk is Risk.CAUTION

    @pytest.mark.parametrize(("vessel", "wind", "wave"), LIMITS)
    def test_just_below_eighty_percent_is_safe(
        self, vessel: VesselClass, wind: float, wave: float
    ) -> None:
        almost = CAUTION_FRACTION - 0.01
        assessment = assess_vessel(vessel, almost * wind, almost * wave)
        assert assessment.risk is Risk.SAFE
        assert assessment.reason.id.startswith("Aman")
        assert assessment.reason.en.startswith("Safe")


class TestAllVessels:
    def test_rough_sea_endangers_small_craft_only(self) -> None:
        assert vessel_risk(wind_knots=12, wave_m=2.8) == {
            VesselClass.FISHING_BOAT: Risk.DANGER,
            VesselClass.BARGE: Risk.DANGER,
            VesselClass.FERRY: Risk.DANGER,
            VesselClass.LARGE_SHIP: Risk.SAFE,
        }

    def test_calm_sea_is_safe_for_everyone(self) -> None:
        assert set(vessel_risk(5, 0.3).values()) == {Risk.SAFE}

    def test_worst_risk_picks_the_most_severe(self) -> None:
        assert worst_risk([Risk.SAFE, Risk.DANGER, Risk.CAUTION]) is Risk.DANGER
        assert worst_risk([]) is Risk.SAFE
