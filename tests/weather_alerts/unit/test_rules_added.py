"""Rules added for the service: which forecasts still count, who hears of which alert, the
retry schedule under test scaling, the feed format and staleness, and CAP as JSON."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from lumbung_weather_alerts.domain.alerts import cap_alert_from_decision
from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.cap_json import cap_json
from lumbung_weather_alerts.domain.conditions import ReceivedObservation, conditions_ahead
from lumbung_weather_alerts.domain.feed import FeedStatus, ForecastFeed, feed_status
from lumbung_weather_alerts.domain.lifecycle import Issue, decide
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.subscriptions import (
    regency_path,
    retry_delay,
    subscription_matches,
)
from lumbung_weather_alerts.domain.zones import ZONES_BY_ID
from pydantic import ValidationError

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def obs(height: float, start_h: float = -1, end_h: float = 24) -> Observation:
    return Observation(
        zone_id="selat-bali",
        valid_from=NOW + timedelta(hours=start_h),
        valid_to=NOW + timedelta(hours=end_h),
        significant_wave_m=height,
        max_wave_m=height,
        wind_speed_knots=5,
        wind_direction_deg=90,
        source="BMKG",
    )


class TestConditionsAhead:
    def test_a_newer_forecast_covering_the_window_replaces_the_older(self) -> None:
        rough = ReceivedObservation(obs(3.0), NOW - timedelta(hours=2))
        calm = ReceivedObservation(obs(0.3), NOW - timedelta(hours=1))
        assert conditions_ahead([rough, calm], NOW) == [calm.observation]

    def test_an_older_forecast_for_later_hours_still_counts(self) -> None:
        tonight = ReceivedObservation(obs(3.0, 12, 24), NOW - timedelta(hours=2))
        morning = ReceivedObservation(obs(0.3, -1, 6), NOW - timedelta(hours=1))
        assert set(conditions_ahead([tonight, morning], NOW)) == {
            tonight.observation,
            morning.observation,
        }

    def test_windows_outside_the_next_day_are_ignored(self) -> None:
        past = ReceivedObservation(obs(3.0, -10, -1), NOW)
        far = ReceivedObservation(obs(3.0, 30, 40), NOW)
        assert conditions_ahead([past, far], NOW) == []


class TestSubscriptionRules:
    def test_regency_path_lists_every_prefix(self) -> None:
        assert regency_path(["31.01", "36.03"]) == ["31", "31.01", "36", "36.03"]

    @pytest.mark.parametrize(
        ("prefixes", "minimum", "peak", "expected"),
        [
            (["31"], Severity.MODERATE, Severity.SEVERE, True),
            (["31.01"], Severity.SEVERE, Severity.SEVERE, True),
            (["31.01"], Severity.EXTREME, Severity.SEVERE, False),
            (["33"], Severity.MINOR, Severity.EXTREME, False),
        ],
    )
    def test_matches_by_prefix_and_peak_severity(
        self, prefixes: list[str], minimum: Severity, peak: Severity, expected: bool
    ) -> None:
        assert subscription_matches(prefixes, minimum, ["31.01", "36.03"], peak) is expected

    def test_scaled_schedule_and_cut_off(self) -> None:
        rng = random.Random(7)
        delays = [retry_delay(n, rng, scale=0.002, max_attempts=5) for n in range(1, 6)]
        assert all(d is not None and d <= timedelta(seconds=1.2) for d in delays[:4])
        assert delays[4] is None
        assert retry_delay(11, rng) is None


class TestFeed:
    def test_status_goes_stale_when_nothing_new_arrives(self) -> None:
        limit = timedelta(hours=6)
        assert feed_status(None, NOW, limit) is FeedStatus.NEVER
        assert feed_status(NOW - timedelta(hours=1), NOW, limit) is FeedStatus.FRESH
        assert feed_status(NOW - timedelta(hours=7), NOW, limit) is FeedStatus.STALE

    def test_entries_take_the_feed_source_and_bad_documents_are_refused(self) -> None:
        feed = ForecastFeed.model_validate(
            {"source": "BMKG", "issued_at": NOW.isoformat(), "forecasts": [{"zone_id": "x"}]}
        )
        assert feed.observation_inputs() == [{"zone_id": "x", "source": "BMKG"}]
        with pytest.raises(ValidationError):
            ForecastFeed.model_validate({"source": "BMKG", "forecasts": []})


class TestCapJson:
    def test_mirrors_the_cap_message_in_both_languages(self) -> None:
        decision = decide(None, obs(2.8), NOW)
        assert isinstance(decision, Issue)
        alert = cap_alert_from_decision(
            decision, ZONES_BY_ID["selat-bali"], identifier="a-1", sender="s", sent=NOW
        )
        document = cap_json(alert)
        assert document["msgType"] == "Alert"
        assert [i["language"] for i in document["info"]] == ["id-ID", "en-US"]
        assert document["info"][0]["parameter"]["VESSEL_RISK_FISHING_BOAT"] == "danger"
        assert document["info"][1]["area"]["geocode"][0] == {
            "valueName": "KEMENDAGRI",
            "value": "35.10",
        }
