"""Go/no-go advice for a vessel in a zone over the next 24 hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from lumbung_weather_alerts.domain.advisories import NO_FORECAST, advise
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.domain.waves import WaveCategory
from lumbung_weather_alerts.domain.zones import ZONES_BY_ID

ObservationFactory = Callable[..., Observation]
SERIBU = ZONES_BY_ID["perairan-kepulauan-seribu"]


class TestAdvice:
    def test_rough_sea_is_danger_for_a_fishing_boat(self, observe: ObservationFactory) -> None:
        advisory = advise(SERIBU, [observe(significant_wave_m=2.8)], VesselClass.FISHING_BOAT)
        assert advisory.level is Risk.DANGER
        assert advisory.category is WaveCategory.TINGGI
        assert "perahu nelayan" in advisory.reason.id
        assert "fishing boat" in advisory.reason.en

    def test_same_sea_is_safe_for_a_large_ship(self, observe: ObservationFactory) -> None:
        advisory = advise(SERIBU, [observe(significant_wave_m=2.8)], VesselClass.LARGE_SHIP)
        assert advisory.level is Risk.SAFE

    def test_the_worst_part_of_the_day_decides(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        morning = observe(significant_wave_m=0.3, valid_to=now + timedelta(hours=6))
        afternoon = observe(
            significant_wave_m=1.6,
            valid_from=now + timedelta(hours=6),
            valid_to=now + timedelta(hours=12),
        )
        advisory = advise(SERIBU, [morning, afternoon], VesselClass.FISHING_BOAT)
        assert (advisory.level, advisory.category) == (Risk.DANGER, WaveCategory.SEDANG)

    def test_no_forecast_is_caution_not_safe(self) -> None:
        advisory = advise(SERIBU, [], VesselClass.FISHING_BOAT)
        assert (advisory.level, advisory.reason, advisory.category) == (
            Risk.CAUTION,
            NO_FORECAST,
            None,
        )

    def test_conditions_of_another_zone_are_a_caller_bug(self, observe: ObservationFactory) -> None:
        with pytest.raises(ValueError, match="another zone"):
            advise(SERIBU, [observe(zone_id="selat-bali")], VesselClass.FERRY)
