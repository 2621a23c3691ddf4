"""Specification: token buckets refill and say when to retry; the limiter stays bounded."""

from __future__ import annotations

import pytest
from lumbung_gateway.domain.rate_limit import (
    Allowed,
    Denied,
    LimitScope,
    RateLimit,
    RateLimiter,
    TokenBucket,
)
from lumbung_shared.errors import DomainError


class TestTokenBucket:
    def test_burst_up_to_capacity_then_denied_with_retry_after(self) -> None:
        bucket = TokenBucket(capacity=3, refill_per_second=0.5)
        assert [isinstance(bucket.take(100.0), Allowed) for _ in range(3)] == [True] * 3
        assert bucket.take(100.0) == Denied(retry_after_seconds=2.0)

    def test_refills_over_time_but_never_beyond_capacity(self) -> None:
        bucket = TokenBucket(capacity=3, refill_per_second=0.5)
        for _ in range(3):
            bucket.take(0.0)
        assert bucket.take(1.0) == Denied(retry_after_seconds=1.0)
        assert bucket.take(2.0) == Allowed(remaining=0.0)
        assert bucket.take(1000.0) == Allowed(remaining=2.0)

    def test_retry_after_is_exact(self) -> None:
        bucket = TokenBucket(capacity=1, refill_per_second=0.25)
        bucket.take(10.0)
        denied = bucket.take(11.0)
        assert denied == Denied(retry_after_seconds=3.0)
        assert isinstance(bucket.take(14.0), Allowed)

    def test_clock_going_backwards_refills_nothing(self) -> None:
        bucket = TokenBucket(capacity=1, refill_per_second=1)
        bucket.take(50.0)
        assert isinstance(bucket.take(10.0), Denied)

    def test_a_refund_returns_the_token_but_never_beyond_capacity(self) -> None:
        bucket = TokenBucket(capacity=2, refill_per_second=0.01)
        bucket.take(0.0)
        bucket.take(0.0)
        assert isinstance(bucket.take(0.0), Denied)
        bucket.give_back(0.0)
        assert bucket.take(0.0) == Allowed(remaining=0.0)
        for _ in range(5):
            bucket.give_back(0.0)
        assert bucket.take(0.0) == Allowed(remaining=1.0)  # five refunds banked only two

    def test_impossible_cost_and_bad_settings_are_programming_errors(self) -> None:
        with pytest.raises(ValueError, match="capacity"):
            TokenBucket(capacity=2, refill_per_second=1).take(0.0, cost=3)
        with pytest.raises(ValueError, match="positive"):
            TokenBucket(capacity=0, refill_per_second=1)


class TestRateLimiter:
    def test_keys_and_scopes_have_separate_buckets(self) -> None:
        limiter = RateLimiter({"login": RateLimit(1, 0.1), "default": RateLimit(1, 0.1)})
        assert isinstance(limiter.take("login", "10.0.0.1", 0.0), Allowed)
        assert isinstance(limiter.take("login", "10.0.0.1", 0.0), Denied)
        assert isinstance(limiter.take("login", "10.0.0.2", 0.0), Allowed)
        assert isinstance(limiter.take("default", "10.0.0.1", 0.0), Allowed)

    def test_check_raises_429_with_whole_retry_seconds(self) -> None:
        limiter = RateLimiter({"login": RateLimit(1, 0.4)})
        limiter.check("login", "ip", 0.0)
        with pytest.raises(DomainError) as caught:
            limiter.check("login", "ip", 0.0)
        error = caught.value
        assert (error.status, error.code) == (429, "rate-limited")
        assert error.extra == {"retry_after_seconds": 3}  # 2.5 s rounded up
        assert error.message.id
        assert error.message.en

    def test_unknown_scope_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="scope"):
            RateLimiter({}).take("nope", "k", 0.0)

    def test_a_refund_goes_to_its_own_bucket_only(self) -> None:
        limiter = RateLimiter({"order_placement": RateLimit(1, 0.001)})
        limiter.take("order_placement", "buyer-a", 0.0)
        limiter.take("order_placement", "buyer-b", 0.0)
        limiter.refund("order_placement", "buyer-a", 0.0)
        assert isinstance(limiter.take("order_placement", "buyer-a", 0.0), Allowed)
        assert isinstance(limiter.take("order_placement", "buyer-b", 0.0), Denied)

    def test_a_refund_for_an_unknown_key_creates_no_bucket(self) -> None:
        limiter = RateLimiter({"order_placement": RateLimit(1, 0.001)})
        limiter.refund("order_placement", "never-seen", 0.0)
        assert len(limiter) == 0


class TestLimiterMemoryBound:
    def test_never_holds_more_than_max_keys(self) -> None:
        limiter = RateLimiter({LimitScope.IP: RateLimit(60, 1.0)}, max_keys=100)
        for i in range(10_000):
            limiter.take(LimitScope.IP, f"ip-{i}", float(i))
        assert len(limiter) == 100

    def test_least_recently_used_key_is_evicted_first(self) -> None:
        limiter = RateLimiter({"login": RateLimit(1, 0.001)}, max_keys=2)
        limiter.take("login", "a", 0.0)
        limiter.take("login", "b", 0.0)
        assert isinstance(limiter.take("login", "a", 0.0), Denied)  # "a" is now most recent
        limiter.take("login", "c", 0.0)  # evicts "b"
        assert isinstance(limiter.take("login", "a", 0.0), Denied)  # "a" kept its empty bucket
        assert isinstance(limiter.take("login", "b", 0.0), Allowed)  # "b" starts afresh
