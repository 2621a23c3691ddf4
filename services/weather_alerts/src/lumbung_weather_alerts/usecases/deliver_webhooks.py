"""Delivering webhooks: claim due deliveries, sign, send to the checked address, log.

Each attempt is signed afresh (new `webhook-timestamp`, every live secret) but keeps the
delivery's `webhook-id`. A failed attempt is retried on the domain's backoff with full jitter;
after the last one the delivery is dead-lettered (status `dead`) and waits for a redelivery
request. The SSRF guard runs again before every attempt. The loop that calls `pass_once`
(and wakes early after a fan-out) is `workers.deliveries`. Each attempt's outcome is told to
a `WebhookOutcomes` (the service's metrics count them).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from lumbung_shared.mongo import Document

from lumbung_weather_alerts.domain.ssrf import UnsafeUrlError
from lumbung_weather_alerts.domain.subscriptions import retry_delay
from lumbung_weather_alerts.domain.webhooks import webhook_headers
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.storage.deliveries import DEAD, DELIVERED, PENDING, DeliveryRepository
from lumbung_weather_alerts.storage.subscriptions import (
    ACTIVE,
    SubscriptionRepository,
    live_secrets,
)
from lumbung_weather_alerts.storage.webhook_client import AttemptResult, post_pinned
from lumbung_weather_alerts.storage.webhook_guard import UrlGuard

log = logging.getLogger(__name__)

BATCH = 8
"""Deliveries sent concurrently: one slow receiver must not hold up every other agency."""


class AttemptOutcome(StrEnum):
    """How one delivery attempt ended."""

    DELIVERED = "delivered"
    """The receiver answered 2xx."""
    FAILED = "failed"
    """Sent, but no 2xx (or no answer); retried on the schedule."""
    REFUSED = "refused"
    """Not sent: the SSRF guard refused the address (re-checked, and retried, next time)."""
    GAVE_UP = "gave_up"
    """The last attempt failed, for whichever reason: the delivery is dead-lettered."""


class WebhookOutcomes(Protocol):
    """Told of every attempt: its outcome and its number in the delivery's schedule (1 up to
    `webhook_max_attempts`; a manual redelivery starts the schedule again). A delivery whose
    subscription was removed is closed without an attempt and is not told."""

    def counted(self, outcome: AttemptOutcome, attempt: int) -> None: ...


class _Uncounted:
    def counted(self, outcome: AttemptOutcome, attempt: int) -> None:
        del outcome, attempt


class DeliverWebhooks:
    """Sends the pending webhook deliveries that are due."""

    def __init__(
        self,
        deliveries: DeliveryRepository,
        subscriptions: SubscriptionRepository,
        guard: UrlGuard,
        settings: WeatherAlertsSettings,
        rng: random.Random | None = None,
        *,
        outcomes: WebhookOutcomes | None = None,
    ) -> None:
        self._deliveries = deliveries
        self._subscriptions = subscriptions
        self._guard = guard
        self._settings = settings
        self._rng = rng or random.SystemRandom()
        self._lease = timedelta(seconds=settings.webhook_timeout_seconds * 3)
        self._outcomes = outcomes or _Uncounted()

    async def pass_once(self) -> int:
        """Claim up to `BATCH` due deliveries and attempt them concurrently."""
        now = datetime.now(UTC)
        claimed = []
        for _ in range(BATCH):
            doc = await self._deliveries.claim_due(now, self._lease)
            if doc is None:
                break
            claimed.append(doc)
        await asyncio.gather(*(self._attempt(doc) for doc in claimed))
        return len(claimed)

    async def _attempt(self, doc: Document) -> None:
        subscription = await self._subscriptions.get(doc["subscription_id"])
        if subscription is None or subscription["status"] != ACTIVE:
            result = AttemptResult(None, 0, "subscription removed")
            await self._deliveries.record(doc, _log_entry(result, doc), DEAD, None)
            return
        result, refused = await self._send(doc, subscription)
        now = datetime.now(UTC)
        attempt = doc["attempt_count"] + 1
        if result.delivered:
            status, next_at, outcome = DELIVERED, None, AttemptOutcome.DELIVERED
        else:
            delay = retry_delay(
                attempt,
                self._rng,
                scale=self._settings.webhook_retry_scale,
                max_attempts=self._settings.webhook_max_attempts,
            )
            status, next_at = (DEAD, None) if delay is None else (PENDING, now + delay)
            if delay is None:
                outcome = AttemptOutcome.GAVE_UP
            elif refused:
                outcome = AttemptOutcome.REFUSED
            else:
                outcome = AttemptOutcome.FAILED
        await self._deliveries.record(doc, _log_entry(result, doc), status, next_at)
        self._outcomes.counted(outcome, attempt)
        log.info(
            "webhook attempt",
            extra={
                "delivery": doc["_id"],
                "status_code": result.status_code,
                "outcome": status,
                "error": result.error,
            },
        )

    async def _send(self, doc: Document, subscription: Document) -> tuple[AttemptResult, bool]:
        """The attempt's result, and whether the guard refused the address (nothing sent)."""
        url = subscription["url"]
        try:
            addresses = await self._guard.check(url)
        except UnsafeUrlError as exc:
            return AttemptResult(None, 0, f"unsafe url: {exc.extra.get('reason')}"), True
        body = doc["body"].encode()
        secrets = [s["secret"] for s in live_secrets(subscription, datetime.now(UTC))]
        headers = webhook_headers(secrets, doc["webhook_id"], int(time.time()), body)
        result = await post_pinned(
            url, addresses[0], body, headers, self._settings.webhook_timeout_seconds
        )
        return result, False


def _log_entry(result: AttemptResult, doc: Document) -> Document:
    return {
        "at": datetime.now(UTC),
        "round": doc["redeliveries"],
        "status_code": result.status_code,
        "latency_ms": result.latency_ms,
        "error": result.error,
    }
