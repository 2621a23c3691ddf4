"""Crash the stack on purpose: SIGKILL services (and Kafka) at seeded random moments.

A fault test is only worth something if a failure can be replayed, so every choice (which
process, when) comes from one seeded `random.Random` and the seed is printed with the figures.
The moments are tied to the load's progress (the n-th order started) plus a random delay, so
the kills land while orders are being placed and the saga is running, however fast the machine.
Killing and restarting block (they wait for readiness), so they run in a worker thread and the
load keeps going meanwhile.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from devstack.processes import http_ok, port_open
from devstack.stack import Stack

KAFKA = "kafka"
KILLABLE = ("listings", "orders")
MAX_DELAY_SECONDS = 0.5  # how long after its threshold a kill may land
KAFKA_BACK_WITHIN = 90.0


@dataclass(frozen=True)
class Kill:
    """One crash: what was killed, when (seconds into the run) and how long it was down."""

    target: str
    at: float
    down_seconds: float


@dataclass(frozen=True)
class KillPlan:
    """The crashes of one run, in order: target, progress threshold and delay after it."""

    steps: tuple[tuple[str, int, float], ...]

    @classmethod
    def draw(cls, rng: random.Random, total: int, service_kills: int, kafka_kills: int) -> KillPlan:
        """`service_kills` random picks of listings/orders and `kafka_kills` of Kafka.

        Thresholds fall between 5 % and 85 % of the orders, so even the last restart happens
        while orders are still arriving.
        """
        targets = [rng.choice(KILLABLE) for _ in range(service_kills)] + [KAFKA] * kafka_kills
        rng.shuffle(targets)
        thresholds = sorted(
            rng.randint(total // 20, total * 85 // 100) for _ in range(len(targets))
        )
        delays = [rng.uniform(0, MAX_DELAY_SECONDS) for _ in targets]
        return cls(tuple(zip(targets, thresholds, delays, strict=True)))


@dataclass
class Chaos:
    """Carries out a `KillPlan` against a running stack, restarting each victim at once."""

    stack: Stack
    plan: KillPlan
    kills: list[Kill] = field(default_factory=list)

    async def run(self, reached: Callable[[int], Awaitable[None]], began: float) -> None:
        """Wait until the load `reached` each step's threshold, then kill and restart."""
        for target, threshold, delay in self.plan.steps:
            await reached(threshold)
            await asyncio.sleep(delay)
            killed_at = time.monotonic()
            await asyncio.to_thread(self._crash_and_restart, target)
            self.kills.append(Kill(target, killed_at - began, time.monotonic() - killed_at))

    def _crash_and_restart(self, target: str) -> None:
        if target == KAFKA:
            broker = self.stack.kafka.process
            broker.kill()
            # The JVM's main thread can be reaped while its other threads still hold the port;
            # starting now would find the dying broker's listener and call it "up".
            gone_by = time.monotonic() + KAFKA_BACK_WITHIN
            while port_open(self.stack.ports.kafka) and time.monotonic() < gone_by:
                time.sleep(0.05)
            self.stack.kafka.start()
            # The listener opens before the broker serves; the services' readiness checks Kafka.
            urls = [f"{self.stack.url(name)}/readyz" for name in KILLABLE]
            broker.wait_until(
                lambda: all(http_ok(url) for url in urls), KAFKA_BACK_WITHIN, "services' readiness"
            )
            return
        self.stack.process(target).kill()
        self.stack.start_service(target)

    def counts(self) -> dict[str, int]:
        """Kills done per target."""
        done = {name: 0 for name in (*KILLABLE, KAFKA)}
        for kill in self.kills:
            done[kill.target] += 1
        return done
