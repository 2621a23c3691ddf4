"""Token-bucket rate limiting per (scope, key), bounded in memory.

A token bucket allows a short burst (`capacity`) and then a steady rate (`refill_per_second`),
which suits people on patchy mobile networks who retry in bursts. Scopes give stricter limits to
what attackers target: login (password guessing) and order placement (spam orders that make
sellers set stock aside). Keys are whatever the caller identifies by (client IP, user id).

Buckets live in one in-process dict, bounded by `max_keys` with least-recently-used eviction,
so a flood of distinct keys (spoofed IPs, random user ids) cannot grow memory without bound.
An evicted key starts again with a full bucket; `max_keys` is sized so that only idle keys are
evicted in normal traffic. Each gateway replica limits on its own — a per-replica limit, which
is enough against abuse and needs no shared store.

Time is a float of seconds from a monotonic clock (`time.monotonic()`), passed in as `now`.
No method awaits, so under asyncio no lock is needed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from lumbung_shared.errors import Message

from lumbung_gateway.domain.errors import TooManyRequestsError


@dataclass(frozen=True)
class Allowed:
    """The request may proceed; `remaining` tokens are left."""

    remaining: float


@dataclass(frozen=True)
class Denied:
    """The request must wait `retry_after_seconds` before enough tokens are back."""

    retry_after_seconds: float


Decision = Allowed | Denied


class TokenBucket:
    """Up to `capacity` tokens, refilled continuously; starts full."""

    def __init__(self, capacity: float, refill_per_second: float) -> None:
        if capacity <= 0 or refill_per_second <= 0:
            raise ValueError("capacity and refill rate must be positive")
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self._tokens = capacity
        self._updated: float | None = None

    def take(self, now: float, cost: float = 1.0) -> Decision:
        """Spend `cost` tokens if there are enough; otherwise say how long until there will be."""
        if cost > self.capacity:
            raise ValueError("cost exceeds the bucket's capacity and could never be allowed")
        self._refill(now)
        if self._tokens >= cost:
            self._tokens -= cost
            return Allowed(remaining=self._tokens)
        return Denied(retry_after_seconds=(cost - self._tokens) / self.refill_per_second)

    def give_back(self, now: float, cost: float = 1.0) -> None:
        """Return `cost` tokens spent on a request that created nothing (an idempotent replay).

        Never beyond `capacity`, so refunds cannot bank a bigger burst.
        """
        self._refill(now)
        self._tokens = min(self.capacity, self._tokens + cost)

    def _refill(self, now: float) -> None:
        if self._updated is not None:
            elapsed = max(0.0, now - self._updated)  # a clock step backwards refills nothing
            self._tokens = min(self.capacity, self._tokens + elapsed * self.refill_per_second)
        self._updated = now


@dataclass(frozen=True)
class RateLimit:
    """A preset: burst size and sustained rate."""

    capacity: float
    refill_per_second: float

    def bucket(self) -> TokenBucket:
        """A fresh, full bucket with these settings."""
        return TokenBucket(self.capacity, self.refill_per_second)


class LimitScope(StrEnum):
    """What is being limited; each scope has its own limit (a setting) and its own buckets."""

    IP = "ip"
    ACCOUNT = "account"
    LOGIN_IP = "login_ip"
    LOGIN_PHONE = "login_phone"
    SIGNUP_IP = "signup_ip"
    ORDER_PLACEMENT = "order_placement"


DEFAULT_MAX_KEYS = 100_000

_SLOW_DOWN = Message(
    id="Terlalu banyak permintaan. Silakan tunggu sebentar lalu coba lagi.",
    en="Too many requests. Please wait a moment and try again.",
)


class RateLimiter:
    """Buckets by (scope, key), the least recently used evicted beyond `max_keys`."""

    def __init__(self, limits: Mapping[str, RateLimit], max_keys: int = DEFAULT_MAX_KEYS) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self._limits = dict(limits)
        self._max_keys = max_keys
        self._buckets: OrderedDict[tuple[str, str], TokenBucket] = OrderedDict()

    def take(self, scope: str, key: str, now: float, cost: float = 1.0) -> Decision:
        """Spend from the bucket of (`scope`, `key`), creating it full if it is new."""
        return self._bucket(scope, key).take(now, cost)

    def check(self, scope: str, key: str, now: float, cost: float = 1.0) -> None:
        """Like `take`, but raise a 429 `rate-limited` with the wait time when denied."""
        decision = self.take(scope, key, now, cost)
        if isinstance(decision, Denied):
            raise TooManyRequestsError("rate-limited", _SLOW_DOWN, decision.retry_after_seconds)

    def refund(self, scope: str, key: str, now: float, cost: float = 1.0) -> None:
        """Give back what a request spent; a bucket evicted meanwhile is full again anyway."""
        bucket = self._buckets.get((scope, key))
        if bucket is not None:
            bucket.give_back(now, cost)

    def __len__(self) -> int:
        return len(self._buckets)

    def _bucket(self, scope: str, key: str) -> TokenBucket:
        slot = (scope, key)
        bucket = self._buckets.get(slot)
        if bucket is not None:
            self._buckets.move_to_end(slot)
            return bucket
        limit = self._limits.get(scope)
        if limit is None:
            raise ValueError(f"no rate limit configured for scope {scope!r}")
        bucket = self._buckets[slot] = limit.bucket()
        if len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        return bucket
