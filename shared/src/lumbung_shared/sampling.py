"""Gauges of state outside the process, sampled on a timer and served from the last sample.

Prometheus reads a collector in its HTTP server's thread, where the process's asyncio clients
(the store, Kafka) cannot be used. So a background loop on the event loop samples every
`metrics_sample_seconds` and keeps the values; `collect()` only hands back the last sample.
A failed sample logs a warning and keeps the previous values (a scrape shows the last known
state, not a gap), and the loop carries on. The sources every service has are
`lumbung_shared.gauges`; a service adds its own in its setup (`ServiceMetrics.sampled`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from lumbung_shared.loops import Loop, every

log = logging.getLogger(__name__)

SAMPLE_TIMEOUT_SECONDS = 10.0
"""One source's sample is cut off after this (a store or broker that hangs)."""

Labels = tuple[str, ...]


class SampledGauge:
    """One gauge family whose series are replaced, all together, by each sample."""

    def __init__(self, name: str, documentation: str, labels: Sequence[str]) -> None:
        self.name = name
        self._documentation = documentation
        self._labels = list(labels)
        self._values: Mapping[Labels, float] = {}

    def set_all(self, values: Mapping[Labels, float]) -> None:
        """The new sample; a scrape sees either the old one or this one, never a mix."""
        self._values = dict(values)

    def values(self) -> Mapping[Labels, float]:
        return self._values

    def family(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily(self.name, self._documentation, labels=self._labels)
        for labels, value in self._values.items():  # one read of the reference: thread-safe
            family.add_metric(list(labels), value)
        return family


class Source(Protocol):
    """Something sampled on the loop: its gauges, how to refresh them, how to let go."""

    @property
    def gauges(self) -> Sequence[SampledGauge]: ...

    async def sample(self) -> None: ...

    async def close(self) -> None: ...


class Sampler(Collector):
    """The process's sampled gauges: one collector in the registry, sources added at wiring."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._sources: list[Source] = []
        registry.register(self)

    def add(self, *sources: Source) -> None:
        self._sources.extend(sources)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        for source in list(self._sources):
            for gauge in source.gauges:
                yield gauge.family()

    def describe(self) -> Iterable[GaugeMetricFamily]:
        return []  # the sources come later; their names are fixed and distinct by design

    async def sample_once(self) -> None:
        """Every source once, one after another (the store has one connection on FerretDB)."""
        for source in list(self._sources):
            try:
                async with asyncio.timeout(SAMPLE_TIMEOUT_SECONDS):
                    await source.sample()
            except Exception as exc:
                log.warning(
                    "metrics sample failed; keeping the last values",
                    extra={"source": type(source).__name__, "error": repr(exc)[:300]},
                )

    def loop(self, seconds: float) -> Loop:
        """The background loop: sample now and then every `seconds`; closes the sources."""
        sampling = every(seconds, self.sample_once, "metrics-sampler")

        async def run() -> None:
            try:
                await sampling()
            finally:
                for source in self._sources:
                    try:
                        await source.close()
                    except Exception as exc:
                        log.warning("metrics source not closed", extra={"error": repr(exc)})

        return run
