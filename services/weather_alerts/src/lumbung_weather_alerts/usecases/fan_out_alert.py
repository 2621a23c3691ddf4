"""From one `sea_alert.*` event to one durable webhook delivery per matching subscription.

Fanning out from the event (not from the HTTP request that caused it) means every alert that
was committed reaches the agencies, including the expiry sweep's, and a crash between the
write and the fan-out only delays it: the event is redelivered and the delivery ids, derived
from the event id, keep the result the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lumbung_shared.clock import utc_now

from lumbung_weather_alerts.domain.alert_chain import message_index
from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.subscriptions import SEVERITY_RANK, subscription_matches
from lumbung_weather_alerts.domain.webhook_body import webhook_body
from lumbung_weather_alerts.storage.alerts import AlertNotFoundError, AlertRepository
from lumbung_weather_alerts.storage.deliveries import DeliveryRepository
from lumbung_weather_alerts.storage.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)

_SEVERITY_BY_RANK = {rank: severity for severity, rank in SEVERITY_RANK.items()}


@dataclass(frozen=True)
class AlertNotice:
    """What the fan-out needs of a sea-alert event."""

    event_id: str
    event_type: str
    occurred_at: datetime
    identifier: str
    """The CAP message the event is about."""


class FanOutAlert:
    """Turns one sea-alert event into pending deliveries."""

    def __init__(
        self,
        alerts: AlertRepository,
        subscriptions: SubscriptionRepository,
        deliveries: DeliveryRepository,
        wake: Callable[[], None],
        public_base_url: str,
    ) -> None:
        self._alerts = alerts
        self._base_url = public_base_url
        self._subscriptions = subscriptions
        self._deliveries = deliveries
        self._wake = wake

    async def __call__(self, notice: AlertNotice) -> int:
        """Create the deliveries this event owes (idempotent per event and subscription)."""
        try:
            chain = await self._alerts.get(notice.identifier)
            message_index(chain, notice.identifier)
        except (AlertNotFoundError, KeyError):
            log.warning("message of event not found", extra={"alert_id": notice.identifier})
            return 0
        peak = _SEVERITY_BY_RANK[chain["peak_severity_rank"]]
        cap_url = f"{self._base_url}/v1/alerts/{notice.identifier}/cap"
        body = webhook_body(
            chain, notice.identifier, notice.event_type, notice.occurred_at, cap_url
        )
        now = utc_now()
        created = 0
        for subscription in await self._subscriptions.covering(chain["regency_path"]):
            if not subscription_matches(
                subscription["regency_prefixes"],
                Severity(subscription["min_severity"]),
                chain["regency_codes"],
                peak,
            ):
                continue
            fields = {
                "subscription_id": subscription["_id"],
                "owner": subscription["owner"],
                "alert_id": chain["_id"],
                "identifier": notice.identifier,
                "event_type": notice.event_type,
                "body": body.decode(),
            }
            created += await self._deliveries.create(fields, notice.event_id, now)
        if created:
            log.info("webhook deliveries created", extra={"count": created, "alert": chain["_id"]})
            self._wake()
        return created
