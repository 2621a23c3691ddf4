"""The life of a zone's alert: issue, no change, update, cancel, expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from lumbung_weather_alerts.domain.cap import MsgType, Severity
from lumbung_weather_alerts.domain.lifecycle import (
    ActiveAlertState,
    Cancel,
    Decision,
    Issue,
    NoChange,
    NoChangeReason,
    Observation,
    Update,
    UpdateReason,
    decide,
)
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.domain.waves import WaveCategory

ObservationFactory = Callable[..., Observation]
SENDER = "peringatan@lumbung.id"


def published(decision: Decision, identifier: str, sent: datetime) -> ActiveAlertState:
    """What the caller stores after publishing an Issue or Update."""
    assert isinstance(decision, Issue | Update)
    references = decision.references if isinstance(decision, Update) else ()
    return ActiveAlertState(
        zone_id=decision.observation.zone_id,
        sender=SENDER,
        identifier=identifier,
        sent=sent,
        category=decision.category,
        severity=decision.grading.severity,
        expires=decision.expires,
        references=references,
    )


class TestFullLifecycle:
    def test_issue_repeat_escalate_calm(self, observe: ObservationFactory, now: datetime) -> None:
        rough = observe(significant_wave_m=2.8, wind_speed_knots=12)
        issued = decide(None, rough, now)
        assert isinstance(issued, Issue)
        assert issued.msg_type is MsgType.ALERT
        assert issued.category is WaveCategory.TINGGI
        assert issued.grading.severity is Severity.SEVERE
        assert issued.risks[VesselClass.FISHING_BOAT] is Risk.DANGER
        assert issued.expires == rough.valid_to
        first = published(issued, "alert-1", now)

        assert decide(first, rough, now + timedelta(hours=1)) == NoChange(NoChangeReason.UNCHANGED)

        very_rough = observe(significant_wave_m=4.5, wind_speed_knots=25)
        updated = decide(first, very_rough, now + timedelta(hours=2))
        assert isinstance(updated, Update)
        assert updated.msg_type is MsgType.UPDATE
        assert updated.reason is UpdateReason.CATEGORY_CHANGED
        assert updated.references == (first.reference,)
        second = published(updated, "alert-2", now + timedelta(hours=2))

        calm = observe(significant_wave_m=0.4, wind_speed_knots=6)
        cancelled = decide(second, calm, now + timedelta(hours=3))
        assert isinstance(cancelled, Cancel)
        assert cancelled.msg_type is MsgType.CANCEL
        assert [r.identifier for r in cancelled.references] == ["alert-1", "alert-2"]


class TestIssue:
    def test_calm_sea_issues_nothing(self, observe: ObservationFactory, now: datetime) -> None:
        assert decide(None, observe(), now) == NoChange(NoChangeReason.BELOW_THRESHOLD)

    def test_fishing_boat_danger_alone_issues_an_alert(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        decision = decide(None, observe(significant_wave_m=0.6, wind_speed_knots=18), now)
        assert isinstance(decision, Issue)
        assert decision.grading.severity is Severity.MODERATE

    def test_observation_already_over_changes_nothing(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        old = observe(
            significant_wave_m=3.0,
            valid_from=now - timedelta(hours=6),
            valid_to=now - timedelta(hours=1),
        )
        assert decide(None, old, now) == NoChange(NoChangeReason.STALE_OBSERVATION)


class TestUpdate:
    @pytest.fixture
    def active(self, observe: ObservationFactory, now: datetime) -> ActiveAlertState:
        return published(decide(None, observe(significant_wave_m=2.8), now), "alert-1", now)

    def test_same_category_with_different_values_is_no_change(
        self, active: ActiveAlertState, observe: ObservationFactory, now: datetime
    ) -> None:
        again = observe(significant_wave_m=3.1, wind_speed_knots=9)
        assert decide(active, again, now) == NoChange(NoChangeReason.UNCHANGED)

    def test_lower_category_still_above_threshold_is_an_update(
        self, active: ActiveAlertState, observe: ObservationFactory, now: datetime
    ) -> None:
        decision = decide(active, observe(significant_wave_m=1.5), now)
        assert isinstance(decision, Update)
        assert decision.category is WaveCategory.SEDANG
        assert decision.grading.severity is Severity.MODERATE

    def test_validity_beyond_expiry_extends_the_alert(
        self, active: ActiveAlertState, observe: ObservationFactory, now: datetime
    ) -> None:
        later = observe(significant_wave_m=2.8, valid_to=active.expires + timedelta(hours=12))
        decision = decide(active, later, now)
        assert isinstance(decision, Update)
        assert decision.reason is UpdateReason.EXTENDED
        assert decision.expires == later.valid_to

    def test_previous_alert_of_another_zone_is_a_caller_bug(
        self, active: ActiveAlertState, observe: ObservationFactory, now: datetime
    ) -> None:
        with pytest.raises(ValueError, match="another zone"):
            decide(active, observe(zone_id="selat-bali"), now)


class TestExpiry:
    def test_alert_is_expired_only_after_expires(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        state = published(decide(None, observe(significant_wave_m=2.8), now), "a", now)
        assert not state.is_expired(state.expires)
        assert state.is_expired(state.expires + timedelta(seconds=1))

    def test_after_expiry_a_rough_sea_issues_a_fresh_alert(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        state = published(decide(None, observe(significant_wave_m=2.8), now), "a", now)
        later = state.expires + timedelta(hours=1)
        next_day = observe(
            significant_wave_m=2.8, valid_from=later, valid_to=later + timedelta(hours=24)
        )
        assert isinstance(decide(state, next_day, later), Issue)

    def test_after_expiry_calm_needs_no_cancel(
        self, observe: ObservationFactory, now: datetime
    ) -> None:
        state = published(decide(None, observe(significant_wave_m=2.8), now), "a", now)
        later = state.expires + timedelta(hours=1)
        calm = observe(valid_from=later, valid_to=later + timedelta(hours=24))
        assert decide(state, calm, later) == NoChange(NoChangeReason.BELOW_THRESHOLD)
