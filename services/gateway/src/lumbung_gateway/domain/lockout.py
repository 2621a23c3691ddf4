"""Back-off after repeated failed logins, so a phone number's password cannot be guessed online.

After `max_failures` (5) wrong passwords within `window` (15 min), the account is locked for
1 minute; each further lock doubles the time (2, 4, 8 … min) up to 1 hour. A correct login
resets everything, and a streak of locks is forgotten after `forget_after` (24 h) of quiet. At
the cap an attacker gets 5 guesses an hour — about 120 a day — while a farmer who mistypes is
back in a minute.

The answer while locked is 429 with a retry time, not 423: 423 is WebDAV's "resource locked",
whereas 429 + Retry-After is what HTTP clients, mobile SDKs and proxies already know to wait on.
The lock is checked *before* the password, so a locked account gives no signal about guesses.

Locking by phone number alone lets anyone lock a victim out; the caller chooses the key (for
instance phone number plus client network) and pairs this with the per-IP rate limiter.

State is a small frozen value the caller stores per key; every transition takes `now`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from lumbung_shared.errors import Message

from lumbung_gateway.domain.errors import TooManyRequestsError


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures trigger a lock, and how long locks last."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    first_lock: timedelta = timedelta(minutes=1)
    max_lock: timedelta = timedelta(hours=1)
    forget_after: timedelta = timedelta(hours=24)

    def lock_duration(self, lock_number: int) -> timedelta:
        """Length of the `lock_number`-th consecutive lock (1-based): doubling, capped."""
        doublings = min(lock_number - 1, 20)  # 2^20 x first_lock exceeds any sane cap
        return min(self.first_lock * (1 << doublings), self.max_lock)


@dataclass(frozen=True)
class LoginAttempts:
    """Recent failures (at most `max_failures` timestamps) and the current lock, if any."""

    failures: tuple[datetime, ...] = ()
    locked_until: datetime | None = None
    locks: int = 0

    def retry_after(self, now: datetime) -> timedelta | None:
        """How long until login may be tried again, or None if it may be tried now."""
        if self.locked_until is None or now >= self.locked_until:
            return None
        return self.locked_until - now


class LoginBackoff:
    """The lockout rule for one policy; pure functions from state and `now` to state."""

    def __init__(self, policy: LockoutPolicy | None = None) -> None:
        self.policy = policy or LockoutPolicy()

    def check(self, attempts: LoginAttempts, now: datetime) -> None:
        """Raise a 429 `login-locked` with the wait time if login may not be tried now."""
        wait = attempts.retry_after(now)
        if wait is not None:
            raise TooManyRequestsError(
                "login-locked",
                Message(
                    id="Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti.",
                    en="Too many failed sign-in attempts. Please try again later.",
                ),
                retry_after_seconds=wait.total_seconds(),
            )

    def record_failure(self, attempts: LoginAttempts, now: datetime) -> LoginAttempts:
        """Count a wrong password; lock when the window holds `max_failures` of them."""
        if attempts.retry_after(now) is not None:
            return attempts  # callers check first; a failure while locked changes nothing
        attempts = self._forget_old_locks(attempts, now)
        recent = (*self._recent(attempts.failures, now), now)
        if len(recent) < self.policy.max_failures:
            return replace(attempts, failures=recent)
        locks = attempts.locks + 1
        return LoginAttempts(
            failures=(),
            locked_until=now + self.policy.lock_duration(locks),
            locks=locks,
        )

    def record_success(self) -> LoginAttempts:
        """A correct password clears failures and the lock streak."""
        return LoginAttempts()

    def _recent(self, failures: tuple[datetime, ...], now: datetime) -> tuple[datetime, ...]:
        """Failures still inside the window, keeping at most the last `max_failures - 1`."""
        keep = self.policy.max_failures - 1
        inside = tuple(t for t in failures if now - t < self.policy.window)
        return inside[-keep:] if keep > 0 else ()

    def _forget_old_locks(self, attempts: LoginAttempts, now: datetime) -> LoginAttempts:
        """After a long quiet spell the next lock starts at the first duration again."""
        ended = attempts.locked_until
        if ended is not None and now - ended >= self.policy.forget_after:
            return LoginAttempts(failures=attempts.failures)
        return attempts
