"""Sea advice at a fishing ground: the worst of the zone's alert in force and its observations,
now and over the forecast's window; danger in either is *do not sail*."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from lumbung_weather_alerts.domain.alert_chain import (
    Chain,
    closed_key,
    expired,
    new_chain,
)
from lumbung_weather_alerts.domain.conditions import ReceivedObservation
from lumbung_weather_alerts.domain.lifecycle import Issue, decide
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.sea_advice import (
    NO_FORECAST_NOW,
    NO_FORECAST_WINDOW,
    sea_advice,
)
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.domain.zones import ZONES_BY_ID

from tests.weather_alerts.domain.conftest import NOW

ObservationFactory = Callable[..., Observation]
SERIBU = ZONES_BY_ID["perairan-kepulauan-seribu"]
BOAT, SHIP = VesselClass.FISHING_BOAT, VesselClass.LARGE_SHIP
WINDOW = {"now": NOW, "valid_from": NOW, "valid_until": NOW + timedelta(hours=24)}


def received(*observations: Observation) -> list[ReceivedObservation]:
    """Received in the order given (later ones are newer)."""
    return [
        ReceivedObservation(o, NOW - timedelta(minutes=len(observations) - i))
        for i, o in enumerate(observations)
    ]


def alert_from(observation: Observation) -> Chain:
    decision = decide(None, observation, NOW)
    assert isinstance(decision, Issue)
    return new_chain("lumbung-uji", SERIBU, decision, "peringatan.lumbung.id", NOW)


class TestFromObservations:
    def test_a_2_8_m_sea_is_do_not_sail_for_a_fishing_boat(
        self, observe: ObservationFactory
    ) -> None:
        rough = observe(significant_wave_m=2.8)
        advice = sea_advice(BOAT, None, received(rough), **WINDOW)
        assert (advice.now, advice.over_window, advice.do_not_sail) == (
            Risk.DANGER,
            Risk.DANGER,
            True,
        )
        assert advice.reasons[0].id == "Berbahaya untuk perahu nelayan: gelombang di atas 1.25 m."

    def test_but_not_for_a_large_ship(self, observe: ObservationFactory) -> None:
        advice = sea_advice(SHIP, None, received(observe(significant_wave_m=2.8)), **WINDOW)
        assert (advice.now, advice.over_window, advice.do_not_sail) == (Risk.SAFE, Risk.SAFE, False)

    def test_no_forecast_is_caution_never_safe(self) -> None:
        advice = sea_advice(BOAT, None, [], **WINDOW)
        assert (advice.now, advice.over_window, advice.do_not_sail) == (
            Risk.CAUTION,
            Risk.CAUTION,
            False,
        )
        assert advice.reasons == (NO_FORECAST_NOW, NO_FORECAST_WINDOW)

    def test_a_storm_later_in_the_window_bars_the_trip_though_now_is_calm(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        calm = observe(significant_wave_m=0.3, valid_to=now + timedelta(hours=6))
        storm = observe(
            significant_wave_m=2.0,
            valid_from=now + timedelta(hours=6),
            valid_to=now + timedelta(hours=24),
        )
        advice = sea_advice(BOAT, None, received(calm, storm), **WINDOW)
        assert (advice.now, advice.over_window, advice.do_not_sail) == (
            Risk.SAFE,
            Risk.DANGER,
            True,
        )

    def test_a_newer_calm_forecast_replaces_an_older_rough_one(
        self, observe: ObservationFactory
    ) -> None:
        rough, calm = observe(significant_wave_m=2.8), observe(significant_wave_m=0.3)
        advice = sea_advice(BOAT, None, received(rough, calm), **WINDOW)
        assert advice.over_window is Risk.SAFE

    def test_a_window_starting_later_is_judged_from_its_start(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        rough_today = observe(significant_wave_m=2.8, valid_to=now + timedelta(hours=12))
        calm_tomorrow = observe(
            significant_wave_m=0.3,
            valid_from=now + timedelta(hours=12),
            valid_to=now + timedelta(hours=36),
        )
        advice = sea_advice(
            BOAT,
            None,
            received(rough_today, calm_tomorrow),
            now=now,
            valid_from=now + timedelta(hours=12),
            valid_until=now + timedelta(hours=36),
        )
        assert (advice.now, advice.over_window) == (Risk.DANGER, Risk.SAFE)
        assert advice.do_not_sail


class TestFromTheAlert:
    def test_an_alert_in_force_gives_its_risk_and_says_until_when(
        self, observe: ObservationFactory
    ) -> None:
        alert = alert_from(observe(significant_wave_m=2.8, valid_to=NOW + timedelta(hours=12)))
        advice = sea_advice(BOAT, alert, [], **WINDOW)
        assert (advice.now, advice.over_window, advice.do_not_sail) == (
            Risk.DANGER,
            Risk.DANGER,
            True,
        )
        assert advice.reasons[0].id == (
            "Peringatan gelombang tinggi 2.8 m berlaku hingga 2026-11-23 13:00 UTC: bahaya untuk "
            "perahu nelayan."
        )
        assert advice.reasons[0].en == (
            "High-wave warning of 2.8 m (rough) in force until 2026-11-23 13:00 UTC: danger for a "
            "fishing boat."
        )

    def test_the_alert_grades_each_vessel_class_its_own_way(
        self, observe: ObservationFactory
    ) -> None:
        alert = alert_from(observe(significant_wave_m=2.8))
        ship = sea_advice(SHIP, alert, [], **WINDOW)
        assert ship.over_window is Risk.CAUTION  # no observation stored: silence is caution
        assert ship.reasons[0].en.endswith("safe for a large ship.")

    def test_the_worse_of_alert_and_observations_wins(self, observe: ObservationFactory) -> None:
        """An alert issued at 2.8 m stays in force while a newer report says 1.0 m: the alert
        (danger for the boat) is still the word until it is cancelled."""
        alert = alert_from(observe(significant_wave_m=2.8))
        advice = sea_advice(BOAT, alert, received(observe(significant_wave_m=1.0)), **WINDOW)
        assert advice.over_window is Risk.DANGER
        assert len(advice.reasons) == 2

    def test_an_alert_that_ends_before_the_window_does_not_count(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        alert = alert_from(observe(significant_wave_m=2.8, valid_to=now + timedelta(hours=3)))
        calm = observe(significant_wave_m=0.3, valid_to=now + timedelta(hours=48))
        advice = sea_advice(
            BOAT,
            alert,
            received(calm),
            now=now,
            valid_from=now + timedelta(hours=6),
            valid_until=now + timedelta(hours=30),
        )
        assert (advice.now, advice.over_window) == (Risk.DANGER, Risk.SAFE)

    def test_an_alert_that_begins_after_the_window_does_not_count(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        later = observe(
            significant_wave_m=2.8,
            valid_from=now + timedelta(hours=30),
            valid_to=now + timedelta(hours=40),
        )
        calm = observe(significant_wave_m=0.3)
        advice = sea_advice(BOAT, alert_from(later), received(calm), **WINDOW)
        assert (advice.now, advice.over_window, advice.do_not_sail) == (Risk.SAFE, Risk.SAFE, False)

    def test_an_expired_or_closed_alert_does_not_count(self, observe: ObservationFactory) -> None:
        alert = alert_from(observe(significant_wave_m=2.8))
        ended = expired(alert, NOW).after
        assert ended["open_key"] == closed_key(alert)
        calm = observe(significant_wave_m=0.3)
        advice = sea_advice(BOAT, ended, received(calm), **WINDOW)
        assert advice.over_window is Risk.SAFE
