"""How long a consumer keeps trying one record before it dead-letters it, and why that is bounded.

Two levels, because a record fails in two ways:

- Attempts, inside one delivery (tenacity): the handler is tried again after a short pause, up
  to `attempts` times for a transient error (store or broker briefly away) and
  `non_transient_attempts` times for any other (a racing write, a read model one event
  behind); each attempt is cut off after `attempt_timeout`.
- Deliveries: a transient error that outlives the attempts seeks the record back (nack), so it
  comes again after a pause, at most `max_deliveries` times in all and never later than
  `window_seconds` after its first delivery; then it is dead-lettered with the reason. Tenacity
  cannot count these: between two deliveries the record leaves the handler (the consumer
  fetches it again), so the count and the first-delivery time are kept here
  (`RedeliveryBook`), per topic, partition and offset, in this process's memory.

Worst case for how long one poison record holds its partition, with the defaults:
    window_seconds            30 s  no attempt, pause or redelivery starts after it
  + attempt_timeout           10 s  the last attempt, begun just before the window closed
  + attempt_timeout           10 s  writing the dead letter (store, then topic)
  = 50 s, under the minute the partition may be held (`DeliveryPolicy.worst_case_seconds`).
A record that fails fast stops earlier, on the count: 5 deliveries x 3 s of attempt pauses
(0.2 + 0.4 + 0.8 + 1.6) + 7.5 s of redelivery pauses (0.5 + 1 + 2 + 4) = 22.5 s. A
non-transient error is not redelivered: 3 attempts, 0.3 s of pauses (0.1 + 0.2), then the
dead letter, all inside the same window. An undecodable record is dead-lettered at once.
If the dead letter itself cannot be written (Kafka or the store away), the record is not
poison, the infrastructure is down: it is redelivered, paused, until the dead letter can be.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type

from lumbung_shared.settings import ServiceSettings

MAX_RETRY_PAUSE_SECONDS = 2.0
MAX_REDELIVERY_PAUSE_SECONDS = 4.0
BOOK_CAPACITY = 10_000

Position = tuple[str, int, int]
"""Where a record sits: topic, partition, offset."""


@dataclass(frozen=True)
class Outcome:
    """How a delivery's attempts ended: `error` is None when the handler succeeded."""

    attempts: int
    error: Exception | None


@dataclass(frozen=True)
class DeliveryPolicy:
    """The bounds above, from a service's settings (or small ones in tests)."""

    attempts: int = 5
    retry_delay: float = 0.2
    non_transient_attempts: int = 3
    max_deliveries: int = 5
    window_seconds: float = 30.0
    redelivery_delay: float = 0.5
    attempt_timeout: float = 10.0

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> DeliveryPolicy:
        return cls(
            attempts=settings.consumer_max_attempts,
            retry_delay=settings.consumer_retry_delay_seconds,
            non_transient_attempts=settings.consumer_non_transient_attempts,
            max_deliveries=settings.consumer_max_deliveries,
            window_seconds=settings.consumer_redelivery_window_seconds,
            redelivery_delay=settings.consumer_redelivery_delay_seconds,
            attempt_timeout=settings.consumer_attempt_timeout_seconds,
        )

    @property
    def worst_case_seconds(self) -> float:
        """The longest a poison record holds its partition (see the module docstring)."""
        return self.window_seconds + 2 * self.attempt_timeout

    @property
    def outage_pause(self) -> float:
        """Pause between redeliveries while the dead letter cannot be written (not counted)."""
        return min(
            MAX_REDELIVERY_PAUSE_SECONDS, self.redelivery_delay * 2.0 ** (self.max_deliveries - 1)
        )

    def redelivery_pause(self, deliveries: int, deadline: float) -> float:
        """Pause before delivery number `deliveries + 1`, never past the window."""
        pause = min(MAX_REDELIVERY_PAUSE_SECONDS, self.redelivery_delay * 2.0 ** (deliveries - 1))
        return max(0.0, min(pause, deadline - time.monotonic()))

    async def attempt(
        self,
        work: Callable[[], Awaitable[None]],
        *,
        deadline: float,
        transient: tuple[type[BaseException], ...],
    ) -> Outcome:
        """Run `work` until it succeeds or its attempts (or the window) run out."""

        def limit(state: RetryCallState) -> int:
            error = state.outcome.exception() if state.outcome else None
            return self.attempts if isinstance(error, transient) else self.non_transient_attempts

        def stop(state: RetryCallState) -> bool:
            return state.attempt_number >= limit(state) or time.monotonic() >= deadline

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, transient):
                pause = self.retry_delay * 2.0 ** (state.attempt_number - 1)
            else:
                pause = self.retry_delay / 2 * state.attempt_number
            pause = min(MAX_RETRY_PAUSE_SECONDS, pause)
            return max(0.0, min(pause, deadline - time.monotonic()))

        attempts = 0
        retrying = AsyncRetrying(
            stop=stop, wait=wait, retry=retry_if_exception_type(Exception), reraise=True
        )
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    async with asyncio.timeout(self.attempt_timeout):
                        await work()
        except Exception as error:
            return Outcome(attempts, error)
        return Outcome(attempts, None)


@dataclass
class _Failing:
    first_delivered: float
    deliveries: int = 0


class RedeliveryBook:
    """Records still failing: when each was first delivered and how often it came.

    Forgotten when the record is acknowledged; bounded, so records another consumer took over
    after a rebalance (and that never come back here) cannot grow it for ever. Kept in memory:
    after a restart a record starts a fresh window, which is one more bounded round.
    """

    def __init__(self, capacity: int = BOOK_CAPACITY) -> None:
        self._capacity = capacity
        self._failing: dict[Position, _Failing] = {}

    def first_delivered(self, position: Position, now: float) -> float:
        """When the record at `position` was first delivered (`now` if it has not failed yet)."""
        failing = self._failing.get(position)
        return now if failing is None else failing.first_delivered

    def failed(self, position: Position, first_delivered: float) -> int:
        """Count one more failed delivery; returns the deliveries so far."""
        failing = self._failing.get(position)
        if failing is None:
            while len(self._failing) >= self._capacity:
                self._failing.pop(next(iter(self._failing)))
            failing = self._failing[position] = _Failing(first_delivered)
        failing.deliveries += 1
        return failing.deliveries

    def forget(self, position: Position) -> None:
        self._failing.pop(position, None)
