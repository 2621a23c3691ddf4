"""Specification: five failures lock the login, each further lock doubles, success resets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_gateway.domain.lockout import LockoutPolicy, LoginAttempts, LoginBackoff
from lumbung_shared.errors import DomainError

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


def fail_times(
    backoff: LoginBackoff, attempts: LoginAttempts, start: datetime, count: int
) -> LoginAttempts:
    for i in range(count):
        attempts = backoff.record_failure(attempts, start + i * SECOND)
    return attempts


class TestLockAfterFailures:
    def test_four_failures_do_not_lock(self) -> None:
        backoff = LoginBackoff()
        attempts = fail_times(backoff, LoginAttempts(), T0, 4)
        backoff.check(attempts, T0 + 4 * SECOND)
        assert attempts.locked_until is None

    def test_fifth_failure_locks_for_one_minute_with_a_429(self) -> None:
        backoff = LoginBackoff()
        attempts = fail_times(backoff, LoginAttempts(), T0, 5)
        locked_at = T0 + 4 * SECOND
        assert attempts.locked_until == locked_at + MINUTE
        with pytest.raises(DomainError) as caught:
            backoff.check(attempts, locked_at + 30 * SECOND)
        error = caught.value
        assert (error.status, error.code) == (429, "login-locked")
        assert error.extra == {"retry_after_seconds": 30}
        assert error.message.id
        assert error.message.en
        backoff.check(attempts, locked_at + MINUTE)

    def test_failures_spread_beyond_the_window_never_lock(self) -> None:
        backoff = LoginBackoff()
        attempts = LoginAttempts()
        for i in range(20):
            attempts = backoff.record_failure(attempts, T0 + i * 4 * MINUTE)
        assert attempts.locked_until is None
        assert len(attempts.failures) <= 4

    def test_failure_while_locked_changes_nothing(self) -> None:
        backoff = LoginBackoff()
        attempts = fail_times(backoff, LoginAttempts(), T0, 5)
        assert backoff.record_failure(attempts, T0 + 10 * SECOND) == attempts


class TestIncreasingLocks:
    def test_each_further_lock_doubles_up_to_one_hour(self) -> None:
        backoff = LoginBackoff()
        attempts = LoginAttempts()
        now = T0
        durations = []
        for _ in range(9):
            attempts = fail_times(backoff, attempts, now, 5)
            assert attempts.locked_until is not None
            locked_at = now + 4 * SECOND
            durations.append(attempts.locked_until - locked_at)
            now = attempts.locked_until
        assert [d // MINUTE for d in durations] == [1, 2, 4, 8, 16, 32, 60, 60, 60]

    def test_lock_streak_is_forgotten_after_a_quiet_day(self) -> None:
        backoff = LoginBackoff()
        attempts = fail_times(backoff, LoginAttempts(), T0, 5)
        attempts = fail_times(backoff, attempts, T0 + 2 * MINUTE, 5)
        assert attempts.locks == 2
        later = T0 + timedelta(days=2)
        attempts = fail_times(backoff, attempts, later, 5)
        assert attempts.locks == 1
        assert attempts.locked_until == later + 4 * SECOND + MINUTE

    def test_policy_is_configurable(self) -> None:
        policy = LockoutPolicy(max_failures=3, first_lock=10 * SECOND, max_lock=30 * SECOND)
        assert [policy.lock_duration(n) // SECOND for n in (1, 2, 3, 100)] == [10, 20, 30, 30]
        attempts = fail_times(LoginBackoff(policy), LoginAttempts(), T0, 3)
        assert attempts.locked_until == T0 + 2 * SECOND + 10 * SECOND


class TestSuccess:
    def test_success_clears_failures_and_streak(self) -> None:
        backoff = LoginBackoff()
        attempts = fail_times(backoff, LoginAttempts(), T0, 5)
        attempts = fail_times(backoff, attempts, T0 + 2 * MINUTE, 4)
        assert backoff.record_success() == LoginAttempts()
