"""From BMKG category to CAP grading, the alert threshold, references and CAP times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from lumbung_weather_alerts.domain.cap import (
    CAP_GRADING,
    AlertReference,
    Certainty,
    Severity,
    Urgency,
    alert_warranted,
    cap_datetime,
    format_references,
    grade,
)
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass, vessel_risk
from lumbung_weather_alerts.domain.waves import WaveCategory

WIB = timezone(timedelta(hours=7))
ALL_SAFE = dict.fromkeys(VesselClass, Risk.SAFE)


class TestGrading:
    @pytest.mark.parametrize(
        ("category", "severity", "urgency"),
        [
            (WaveCategory.TENANG, Severity.MINOR, Urgency.FUTURE),
            (WaveCategory.RENDAH, Severity.MINOR, Urgency.EXPECTED),
            (WaveCategory.SEDANG, Severity.MODERATE, Urgency.EXPECTED),
            (WaveCategory.TINGGI, Severity.SEVERE, Urgency.EXPECTED),
            (WaveCategory.SANGAT_TINGGI, Severity.EXTREME, Urgency.IMMEDIATE),
            (WaveCategory.EKSTREM, Severity.EXTREME, Urgency.IMMEDIATE),
            (WaveCategory.SANGAT_EKSTREM, Severity.EXTREME, Urgency.IMMEDIATE),
        ],
    )
    def test_category_maps_to_cap_severity_and_urgency(
        self, category: WaveCategory, severity: Severity, urgency: Urgency
    ) -> None:
        grading = grade(category, ALL_SAFE)
        assert (grading.severity, grading.urgency) == (severity, urgency)

    def test_every_category_is_graded(self) -> None:
        assert set(CAP_GRADING) == set(WaveCategory)

    def test_forecasts_are_likely(self) -> None:
        assert grade(WaveCategory.TINGGI, ALL_SAFE).certainty is Certainty.LIKELY

    def test_vessel_in_danger_lifts_minor_to_moderate(self) -> None:
        risks = vessel_risk(wind_knots=18, wave_m=0.8)
        assert grade(WaveCategory.RENDAH, risks).severity is Severity.MODERATE


class TestAlertThreshold:
    def test_calm_sea_with_no_vessel_in_danger_needs_no_alert(self) -> None:
        assert not alert_warranted(WaveCategory.RENDAH, vessel_risk(5, 0.8))

    def test_tinggi_always_warrants_an_alert(self) -> None:
        assert alert_warranted(WaveCategory.TINGGI, ALL_SAFE)

    def test_fishing_boat_in_danger_warrants_an_alert_below_tinggi(self) -> None:
        assert alert_warranted(WaveCategory.SEDANG, vessel_risk(5, 1.3))

    def test_threshold_is_configurable(self) -> None:
        assert alert_warranted(WaveCategory.SEDANG, ALL_SAFE, threshold=WaveCategory.SEDANG)
        assert not alert_warranted(WaveCategory.TINGGI, ALL_SAFE, WaveCategory.SANGAT_TINGGI)


class TestCapTimes:
    def test_offset_is_kept_and_fraction_dropped(self) -> None:
        moment = datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=WIB)
        assert cap_datetime(moment) == "2026-11-23T08:00:00+07:00"

    def test_utc_is_written_as_plus_zero(self) -> None:
        assert cap_datetime(datetime(2026, 11, 23, 1, tzinfo=UTC)) == "2026-11-23T01:00:00+00:00"

    def test_naive_times_are_refused(self) -> None:
        with pytest.raises(ValueError, match="time zone"):
            cap_datetime(datetime(2026, 11, 23, 1))


class TestReferences:
    def test_references_are_space_separated_sender_identifier_sent(self) -> None:
        first = AlertReference("bmkg@lumbung.id", "a-1", datetime(2026, 11, 23, 1, tzinfo=UTC))
        second = AlertReference("bmkg@lumbung.id", "a-2", datetime(2026, 11, 23, 7, tzinfo=WIB))
        assert format_references([first, second]) == (
            "bmkg@lumbung.id,a-1,2026-11-23T01:00:00+00:00 "
            "bmkg@lumbung.id,a-2,2026-11-23T07:00:00+07:00"
        )
