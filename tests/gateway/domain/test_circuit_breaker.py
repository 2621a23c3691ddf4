"""Specification: the breaker opens on failures, probes once after cooldown, and closes again."""

from __future__ import annotations

import pytest
from lumbung_gateway.domain.circuit_breaker import BreakerPolicy, BreakerState, CircuitBreaker
from lumbung_shared.errors import DomainError

POLICY = BreakerPolicy(
    consecutive_failures=3, failure_ratio=0.5, window_size=10, min_calls=6, cooldown=30.0
)


def tripped(at: float = 0.0) -> CircuitBreaker:
    breaker = CircuitBreaker("listings", POLICY)
    for _ in range(3):
        assert breaker.allow(at)
        breaker.record_failure(at)
    return breaker


class TestClosed:
    def test_new_breaker_lets_calls_through(self) -> None:
        breaker = CircuitBreaker("listings", POLICY)
        assert breaker.state(0.0) is BreakerState.CLOSED
        assert breaker.allow(0.0)
        assert breaker.retry_after(0.0) == 0.0

    def test_a_success_resets_the_consecutive_count(self) -> None:
        breaker = CircuitBreaker("listings", POLICY)
        for _ in range(2):
            breaker.record_failure(0.0)
        breaker.record_success(0.0)
        for _ in range(2):
            breaker.record_failure(0.0)
        assert breaker.state(0.0) is BreakerState.CLOSED

    def test_trips_when_the_failure_ratio_is_reached(self) -> None:
        breaker = CircuitBreaker("listings", POLICY)
        for _ in range(3):
            breaker.record_success(0.0)
            breaker.record_failure(0.0)
        assert breaker.state(0.0) is BreakerState.OPEN

    def test_ratio_waits_for_enough_calls(self) -> None:
        breaker = CircuitBreaker("listings", POLICY)
        breaker.record_success(0.0)
        breaker.record_failure(0.0)
        breaker.record_success(0.0)
        breaker.record_failure(0.0)
        assert breaker.state(0.0) is BreakerState.CLOSED


class TestOpen:
    def test_consecutive_failures_open_it_and_calls_fail_fast(self) -> None:
        breaker = tripped(at=100.0)
        assert breaker.state(100.0) is BreakerState.OPEN
        assert not breaker.allow(110.0)
        assert breaker.retry_after(110.0) == 20.0

    def test_ensure_allowed_raises_503_with_retry_after(self) -> None:
        breaker = tripped(at=100.0)
        with pytest.raises(DomainError) as caught:
            breaker.ensure_allowed(100.5)
        error = caught.value
        assert (error.status, error.code) == (503, "upstream-unavailable")
        assert error.extra == {"upstream": "listings", "retry_after_seconds": 30}

    def test_late_results_while_open_are_ignored(self) -> None:
        breaker = tripped()
        breaker.record_success(1.0)
        assert breaker.state(1.0) is BreakerState.OPEN


class TestHalfOpen:
    def test_after_cooldown_exactly_one_trial_passes(self) -> None:
        breaker = tripped()
        assert breaker.state(30.0) is BreakerState.HALF_OPEN
        assert breaker.allow(30.0)
        assert not breaker.allow(30.1)
        assert breaker.retry_after(31.0) == 29.0

    def test_successful_trial_closes(self) -> None:
        breaker = tripped()
        breaker.allow(30.0)
        breaker.record_success(31.0)
        assert breaker.state(31.0) is BreakerState.CLOSED
        assert breaker.allow(31.0)
        assert breaker.allow(31.0)

    def test_failed_trial_opens_for_another_cooldown(self) -> None:
        breaker = tripped()
        breaker.allow(30.0)
        breaker.record_failure(31.0)
        assert breaker.state(31.0) is BreakerState.OPEN
        assert not breaker.allow(60.0)
        assert breaker.allow(61.0)

    def test_abandoned_trial_is_replaced_after_a_cooldown(self) -> None:
        breaker = tripped()
        assert breaker.allow(30.0)
        assert not breaker.allow(59.0)
        assert breaker.allow(60.0)


class TestFullCycle:
    def test_closed_open_half_open_closed(self) -> None:
        breaker = CircuitBreaker("orders", POLICY)
        seen = [breaker.state(0.0)]
        for _ in range(3):
            breaker.record_failure(1.0)
        seen.append(breaker.state(1.0))
        seen.append(breaker.state(31.0))
        assert breaker.allow(31.0)
        breaker.record_success(32.0)
        seen.append(breaker.state(32.0))
        assert seen == ["closed", "open", "half_open", "closed"]
        for _ in range(2):
            breaker.record_failure(33.0)
        assert breaker.state(33.0) is BreakerState.CLOSED  # counts restarted on close
