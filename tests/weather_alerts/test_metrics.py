"""The weather-alerts families: every webhook attempt counted by outcome and attempt number, and
the alerts in force by severity; series bounded and present at 0 before the first event.

Deliveries run through the real use case, its SSRF guard and its HTTP client, against a
receiver on 127.0.0.1; the store is a stand-in that hands the same delivery back until it is
done. The wiring (the families on the metrics port): tests/integration/test_event_metrics.py.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from lumbung_shared.sampling import Sampler
from lumbung_shared.secrets import generate_secret
from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.webhooks import new_secret
from lumbung_weather_alerts.metrics import AlertsInForce, WebhookDeliveryCounter
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.storage.deliveries import PENDING
from lumbung_weather_alerts.storage.webhook_guard import UrlGuard
from lumbung_weather_alerts.usecases.deliver_webhooks import AttemptOutcome, DeliverWebhooks
from prometheus_client import CollectorRegistry

from tests.weather_alerts.integration.http_servers import FlakyReceiver

MAX_ATTEMPTS = 3
DELIVERIES = "lumbung_webhook_deliveries_total"


def deliveries_counted(registry: CollectorRegistry) -> dict[tuple[str, str], float]:
    """(outcome, attempt) → count, for every series of the family."""
    return {
        (sample.labels["outcome"], sample.labels["attempt"]): sample.value
        for family in registry.collect()
        for sample in family.samples
        if sample.name == DELIVERIES
    }


class TestWebhookDeliveryCounter:
    def test_every_reachable_outcome_and_attempt_starts_at_zero_and_nothing_else(self) -> None:
        registry = CollectorRegistry()
        WebhookDeliveryCounter(registry, "weather_alerts", MAX_ATTEMPTS)
        assert deliveries_counted(registry) == {
            ("delivered", "1"): 0,
            ("delivered", "2"): 0,
            ("delivered", "3"): 0,
            ("failed", "1"): 0,
            ("failed", "2"): 0,
            ("refused", "1"): 0,
            ("refused", "2"): 0,
            ("gave_up", "3"): 0,
        }

    def test_an_attempt_number_past_the_schedule_counts_as_its_last(self) -> None:
        registry = CollectorRegistry()
        WebhookDeliveryCounter(registry, "weather_alerts", MAX_ATTEMPTS).counted(
            AttemptOutcome.DELIVERED, 40
        )
        counted = deliveries_counted(registry)
        assert counted[("delivered", "3")] == 1
        assert ("delivered", "40") not in counted


class Deliveries:
    """The delivery store's part in a pass: claim the one delivery, record each attempt."""

    def __init__(self, subscription_id: str) -> None:
        self.doc: dict[str, Any] | None = {
            "_id": "d-1",
            "subscription_id": subscription_id,
            "webhook_id": "msg_d-1",
            "body": '{"alert": "a-1"}',
            "attempt_count": 0,
            "redeliveries": 0,
            "version": 1,
        }

    async def claim_due(self, now: datetime, lease: Any) -> dict[str, Any] | None:
        claimed, self.doc = self.doc, None
        return claimed

    async def record(
        self, doc: dict[str, Any], attempt: Any, status: str, next_attempt_at: Any
    ) -> None:
        if status == PENDING:  # due again at once: the test plays the schedule's waits
            self.doc = {**doc, "attempt_count": doc["attempt_count"] + 1}


class Subscriptions:
    def __init__(self, url: str, status: str = "active") -> None:
        self.doc = {
            "_id": "s-1",
            "url": url,
            "status": status,
            "secrets": [{"secret": new_secret(), "retires_at": None}],
        }

    async def get(self, subscription_id: str) -> dict[str, Any] | None:
        return self.doc


@pytest.fixture
async def receiver() -> AsyncIterator[FlakyReceiver]:
    server = FlakyReceiver()
    await server.start()
    yield server
    await server.stop()


async def deliver(url: str, status: str = "active") -> dict[tuple[str, str], float]:
    """Attempt one delivery to `url` until it is done; what the counter counted (non-zero)."""
    settings = WeatherAlertsSettings(
        internal_secret=generate_secret(),
        webhook_require_https=False,
        webhook_max_attempts=MAX_ATTEMPTS,
        webhook_timeout_seconds=2,
    )
    registry = CollectorRegistry()
    guard = UrlGuard(require_https=False, allow_list={"127.0.0.1"})
    deliver_webhooks = DeliverWebhooks(
        Deliveries("s-1"),  # type: ignore[arg-type]
        Subscriptions(url, status),  # type: ignore[arg-type]
        guard,
        settings,
        random.Random(15),
        outcomes=WebhookDeliveryCounter(registry, "weather_alerts", MAX_ATTEMPTS),
    )
    while await deliver_webhooks.pass_once():
        pass
    return {key: n for key, n in deliveries_counted(registry).items() if n}


class TestDeliveryAttemptsAreCounted:
    async def test_a_first_attempt_answered_2xx_is_delivered_at_attempt_1(
        self, receiver: FlakyReceiver
    ) -> None:
        assert await deliver(f"http://127.0.0.1:{receiver.port}/hook") == {("delivered", "1"): 1}

    async def test_a_failed_attempt_then_a_delivered_one(self, receiver: FlakyReceiver) -> None:
        receiver.failures = 1
        assert await deliver(f"http://127.0.0.1:{receiver.port}/hook") == {
            ("failed", "1"): 1,
            ("delivered", "2"): 1,
        }

    async def test_the_last_failed_attempt_is_given_up(self, receiver: FlakyReceiver) -> None:
        receiver.failures = MAX_ATTEMPTS
        assert await deliver(f"http://127.0.0.1:{receiver.port}/hook") == {
            ("failed", "1"): 1,
            ("failed", "2"): 1,
            ("gave_up", "3"): 1,
        }
        assert len(receiver.received) == MAX_ATTEMPTS

    async def test_a_refused_address_is_refused_each_time_then_given_up(self) -> None:
        assert await deliver("http://10.1.2.3/hook") == {  # private: the guard refuses it
            ("refused", "1"): 1,
            ("refused", "2"): 1,
            ("gave_up", "3"): 1,
        }

    async def test_a_delivery_of_a_removed_subscription_is_closed_without_an_attempt(
        self, receiver: FlakyReceiver
    ) -> None:
        assert await deliver(f"http://127.0.0.1:{receiver.port}/hook", "disabled") == {}
        assert receiver.received == []


class Alerts:
    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.asked: list[datetime] = []

    async def in_force_by_severity(self, now: datetime) -> dict[str, int]:
        self.asked.append(now)
        return self.counts


class TestAlertsInForce:
    def test_every_cap_severity_starts_at_zero(self) -> None:
        registry = CollectorRegistry()
        Sampler(registry).add(AlertsInForce("weather_alerts", Alerts({})))
        for severity in Severity:
            labels = {"service": "weather_alerts", "severity": severity.value}
            assert registry.get_sample_value("lumbung_alerts_in_force", labels) == 0

    async def test_a_sample_counts_the_chains_in_force_now_per_severity(self) -> None:
        alerts = Alerts({"Severe": 2, "Extreme": 1, "Catastrophic": 9})
        source = AlertsInForce("weather_alerts", alerts)
        await source.sample()
        assert source.gauges[0].values() == {
            ("weather_alerts", "Extreme"): 1,
            ("weather_alerts", "Severe"): 2,
            ("weather_alerts", "Moderate"): 0,
            ("weather_alerts", "Minor"): 0,
        }  # a severity that is not CAP's adds no series
        [asked] = alerts.asked
        assert asked.tzinfo is not None
