"""The webhook delivery loop: run `usecases.deliver_webhooks` until the process stops.

After a pass that sent nothing the loop waits for the next poll, or less when the fan-out wakes
it (a new alert should not wait a poll interval to reach the agencies). Supervised by the
shared loop, so a failing store backs the loop off instead of ending it.
"""

from __future__ import annotations

import asyncio
import contextlib

from lumbung_shared.loops import Loop, every

from lumbung_weather_alerts.usecases.deliver_webhooks import DeliverWebhooks

PACE_SECONDS = 0.05
"""Pause between passes while deliveries keep coming (and the base of the failure backoff)."""


class DeliveryLoop:
    """The loop, and the bell the fan-out rings when it created deliveries."""

    def __init__(self, deliver: DeliverWebhooks, poll_seconds: float) -> None:
        self._deliver = deliver
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for due deliveries now instead of at the next poll."""
        self._wake.set()

    def loop(self) -> Loop:
        """The supervised loop to run in the background."""

        async def step() -> None:
            if await self._deliver.pass_once() == 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self._poll_seconds)

        return every(PACE_SECONDS, step, "webhook-deliveries")
