"""A circuit breaker per upstream service, so one failing service does not drag the gateway down.

Without it, every request to a dead upstream waits for its timeout, tying up connections and
piling retries onto a service that is trying to recover. The breaker:

* **closed** — calls pass; it trips to open after `consecutive_failures` failures in a row, or
  when at least `failure_ratio` of the last `window_size` calls failed (once `min_calls` are
  in the window, so two failures out of three calls do not trip it);
* **open** — calls fail fast with a 503 and a retry time, for `cooldown` seconds;
* **half-open** — after the cooldown exactly one trial call passes; success closes the breaker,
  failure opens it for another cooldown. A trial that never reports back (cancelled request)
  is given up after `cooldown`, and another trial is allowed.

Results reported while open come from calls started before it opened and are ignored.

Time is a float of monotonic seconds passed as `now`; no method awaits, so no lock is needed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from lumbung_gateway.domain.errors import UpstreamUnavailableError


class BreakerState(StrEnum):
    """Where the breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class BreakerPolicy:
    """When to trip and how long to wait before trying again."""

    consecutive_failures: int = 5
    failure_ratio: float = 0.5
    window_size: int = 20
    min_calls: int = 10
    cooldown: float = 30.0


class CircuitBreaker:
    """The breaker for one upstream, named for error reports."""

    def __init__(self, upstream: str, policy: BreakerPolicy | None = None) -> None:
        self.upstream = upstream
        self.policy = policy or BreakerPolicy()
        self._state = BreakerState.CLOSED
        self._opened_at = 0.0
        self._trial_started_at: float | None = None
        self._consecutive = 0
        self._outcomes: deque[bool] = deque(maxlen=self.policy.window_size)  # True = failure

    def state(self, now: float) -> BreakerState:
        """The state as a caller would see it at `now` (open turns half-open after cooldown)."""
        if self._state is BreakerState.OPEN and now >= self._opened_at + self.policy.cooldown:
            return BreakerState.HALF_OPEN
        return self._state

    def allow(self, now: float) -> bool:
        """Whether a call may go out now; in half-open this claims the single trial slot."""
        if self.state(now) is BreakerState.CLOSED:
            return True
        if self.state(now) is BreakerState.OPEN:
            return False
        if self._trial_started_at is not None and not self._trial_abandoned(now):
            return False
        self._state = BreakerState.HALF_OPEN
        self._trial_started_at = now
        return True

    def ensure_allowed(self, now: float) -> None:
        """Like `allow`, but raise a 503 `upstream-unavailable` with a retry time when refused."""
        if not self.allow(now):
            raise UpstreamUnavailableError(self.upstream, self.retry_after(now))

    def record_success(self, now: float) -> None:
        """A call succeeded: close after a trial, otherwise count it in the window."""
        if self._state is BreakerState.HALF_OPEN:
            self._close()
        elif self._state is BreakerState.CLOSED:
            self._consecutive = 0
            self._outcomes.append(False)

    def record_failure(self, now: float) -> None:
        """A call failed: reopen after a trial, otherwise count it and trip if over the limit."""
        if self._state is BreakerState.HALF_OPEN:
            self._open(now)
        elif self._state is BreakerState.CLOSED:
            self._consecutive += 1
            self._outcomes.append(True)
            if self._should_trip():
                self._open(now)

    def retry_after(self, now: float) -> float:
        """Seconds until `allow` may say yes again; 0 when it would now."""
        cooldown = self.policy.cooldown
        if self.state(now) is BreakerState.OPEN:
            return self._opened_at + cooldown - now
        if self._state is BreakerState.HALF_OPEN and self._trial_started_at is not None:
            return max(0.0, self._trial_started_at + cooldown - now)
        return 0.0

    def _should_trip(self) -> bool:
        if self._consecutive >= self.policy.consecutive_failures:
            return True
        calls = len(self._outcomes)
        if calls < self.policy.min_calls:
            return False
        return sum(self._outcomes) / calls >= self.policy.failure_ratio

    def _trial_abandoned(self, now: float) -> bool:
        started = self._trial_started_at
        return started is not None and now >= started + self.policy.cooldown

    def _open(self, now: float) -> None:
        self._state = BreakerState.OPEN
        self._opened_at = now
        self._trial_started_at = None

    def _close(self) -> None:
        self._state = BreakerState.CLOSED
        self._trial_started_at = None
        self._consecutive = 0
        self._outcomes.clear()
