"""Background loops (sweeps, pollers, housekeeping), all supervised the same way.

A pass that fails is logged with the loop's name and retried after a growing pause (doubling,
with jitter, up to `max_backoff`), so a store outage neither kills the loop nor hammers the
store; the first pass that succeeds returns the loop to its normal pace. Cancelling the task
(shutdown) ends it at once.

Kept here rather than built on `stamina`/`tenacity`: those retry one call until it succeeds
and then return; a loop that must run for the life of the process and pace itself would wrap
them in the same `while True` anyway.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger(__name__)

Loop = Callable[[], Coroutine[Any, Any, None]]


def every(
    seconds: float,
    work: Callable[[], Awaitable[Any]],
    name: str,
    *,
    max_backoff: float = 60.0,
) -> Loop:
    """A loop running `work` every `seconds`, supervised as described above."""

    async def loop() -> None:
        failures = 0
        while True:
            try:
                await work()
                failures = 0
                pause = seconds
            except Exception as exc:
                failures += 1
                pause = min(max_backoff, seconds * 2**failures) * random.uniform(0.8, 1.2)  # noqa: S311 -- jitter, not crypto
                log.warning(
                    "background pass failed",
                    extra={"task": name, "error": repr(exc), "failures": failures},
                )
            await asyncio.sleep(pause)

    loop.__name__ = name
    return loop
