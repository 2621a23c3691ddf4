"""Consumer of our own `sea_alert.*` events: one durable delivery per matching subscription.

Fanning out from the event (not from the HTTP request that caused it) means every alert that
was committed reaches the agencies, including the expiry sweep's, and a crash between the
write and the fan-out only delays it: the event is redelivered and the delivery ids, derived
from the event id, keep the result the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from lumbung_shared.events import Envelope
from lumbung_shared.events.sea_alerts import SeaAlertEvent

from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.subscriptions import SEVERITY_RANK, subscription_matches
from lumbung_weather_alerts.storage.alerts import AlertNotFoundError, AlertRepository
from lumbung_weather_alerts.storage.deliveries import DeliveryRepository
from lumbung_weather_alerts.storage.subscriptions import SubscriptionRepository
from lumbung_weather_alerts.webhooks.body import webhook_body

log = logging.getLogger(__name__)

_SEVERITY_BY_RANK = {rank: severity for severity, rank in SEVERITY_RANK.items()}


class WebhookFanout:
    """Turns one sea-alert event into pending deliveries."""

    def __init__(
        self,
        alerts: AlertRepository,
        subscriptions: SubscriptionRepository,
        deliveries: DeliveryRepository,
        wake: Callable[[], None],
    ) -> None:
        self._alerts = alerts
        self._subscriptions = subscriptions
        self._deliveries = deliveries
        self._wake = wake

    async def handle(self, envelope: Envelope[Any]) -> None:
        """Create the deliveries this event owes (idempotent per event and subscription)."""
        payload = envelope.payload
        assert isinstance(payload, SeaAlertEvent)
        try:
            doc = await self._alerts.get(payload.alert_id)
        except AlertNotFoundError:
            log.warning("alert of event not found", extra={"alert_id": payload.alert_id})
            return
        peak = _SEVERITY_BY_RANK[doc["peak_severity_rank"]]
        body = webhook_body(doc, payload.alert_id, envelope.type, envelope.occurred_at)
        now = datetime.now(UTC)
        created = 0
        for subscription in await self._subscriptions.covering(doc["regency_path"]):
            if not subscription_matches(
                subscription["regency_prefixes"],
                Severity(subscription["min_severity"]),
                doc["regency_codes"],
                peak,
            ):
                continue
            fields = {
                "subscription_id": subscription["_id"],
                "owner": subscription["owner"],
                "alert_id": doc["_id"],
                "identifier": payload.alert_id,
                "event_type": envelope.type,
                "body": body.decode(),
            }
            created += await self._deliveries.create(fields, str(envelope.event_id), now)
        if created:
            log.info("webhook deliveries created", extra={"count": created, "alert": doc["_id"]})
            self._wake()
