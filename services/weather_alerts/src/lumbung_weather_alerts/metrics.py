"""The weather-alerts service's own Prometheus families, in the process's one registry.

- `lumbung_webhook_deliveries_total{service, outcome, attempt}` counts every webhook attempt
  (`usecases.deliver_webhooks` tells it): `outcome` is one of `AttemptOutcome` and `attempt`
  the attempt's number in its schedule, 1 up to `webhook_max_attempts` (at most 11), so the
  series are bounded by design. The reachable pairs are created at start-up (delivered at any
  attempt; failed or refused before the last; gave_up at the last), so a scrape shows each at
  0 before the first delivery.
- `lumbung_alerts_in_force{service, severity}`: the alert chains open and not past `expires`,
  by their latest CAP severity (every `Severity`, 0 when none), sampled from the store on the
  metrics loop (`lumbung_shared.sampling`). On MongoDB the `{status, expires}` index answers
  it; on FerretDB it reads every chain, closed ones too, as every alert list already does:
  measured 750-790 ms at 1,000 chains of 20 CAP messages (20 in force), which holds the
  process's one store connection, so keep `metrics_sample_seconds` at its 15 s there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from lumbung_shared.clock import utc_now
from lumbung_shared.sampling import SampledGauge
from prometheus_client import CollectorRegistry, Counter

from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.usecases.deliver_webhooks import AttemptOutcome

WEBHOOK_DELIVERIES = "lumbung_webhook_deliveries"
"""Exposed as `lumbung_webhook_deliveries_total`."""
ALERTS_IN_FORCE = "lumbung_alerts_in_force"


class WebhookDeliveryCounter:
    """`WebhookOutcomes` as a Prometheus counter, one child per reachable (outcome, attempt)."""

    def __init__(self, registry: CollectorRegistry, service: str, max_attempts: int) -> None:
        self._service = service
        self._max_attempts = max_attempts
        self._counter = Counter(
            WEBHOOK_DELIVERIES,
            "Webhook delivery attempts, by outcome and attempt number",
            ["service", "outcome", "attempt"],
            registry=registry,
        )
        reachable = [(AttemptOutcome.GAVE_UP, max_attempts)] + [
            (outcome, attempt)
            for attempt in range(1, max_attempts + 1)
            for outcome in (AttemptOutcome.DELIVERED, AttemptOutcome.FAILED, AttemptOutcome.REFUSED)
            if outcome is AttemptOutcome.DELIVERED or attempt < max_attempts
        ]
        self._children = {key: self._child(*key) for key in reachable}

    def counted(self, outcome: AttemptOutcome, attempt: int) -> None:
        key = (outcome, max(1, min(attempt, self._max_attempts)))  # bounded whatever comes
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._child(*key)
        child.inc()

    def _child(self, outcome: AttemptOutcome, attempt: int) -> Counter:
        return self._counter.labels(self._service, outcome.value, str(attempt))


class AlertCounts(Protocol):
    """Where the chains in force are counted (the alerts repository)."""

    async def in_force_by_severity(self, now: datetime) -> dict[str, int]: ...


class AlertsInForce:
    """A sampled source (`lumbung_shared.sampling.Source`): the chains in force, by severity."""

    def __init__(self, service: str, alerts: AlertCounts) -> None:
        self._service = service
        self._alerts = alerts
        self._gauge = SampledGauge(
            ALERTS_IN_FORCE,
            "Alert chains in force (open, not past expires), by their latest CAP severity",
            ["service", "severity"],
        )
        self._gauge.set_all({(service, severity.value): 0.0 for severity in Severity})

    @property
    def gauges(self) -> Sequence[SampledGauge]:
        return (self._gauge,)

    async def sample(self) -> None:
        counts = await self._alerts.in_force_by_severity(utc_now())
        self._gauge.set_all(
            {(self._service, s.value): float(counts.get(s.value, 0)) for s in Severity}
        )

    async def close(self) -> None:
        return None
