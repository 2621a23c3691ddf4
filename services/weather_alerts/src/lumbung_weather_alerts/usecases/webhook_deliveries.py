"""An agency's delivery log and manual redelivery, for its own subscriptions only.

The subscription is looked up as the caller's first (404 for anyone else's), so one agency
never reads or triggers another's deliveries.
"""

from __future__ import annotations

from datetime import datetime

from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_weather_alerts.storage.deliveries import DeliveryRepository
from lumbung_weather_alerts.storage.subscriptions import SubscriptionRepository


class WebhookDeliveries:
    """Reading and redelivering the deliveries of a subscription."""

    def __init__(
        self, subscriptions: SubscriptionRepository, deliveries: DeliveryRepository
    ) -> None:
        self._subscriptions = subscriptions
        self._deliveries = deliveries

    async def log(
        self,
        subscription_id: str,
        agency: Identity,
        *,
        status: str | None,
        before: datetime | None,
        limit: int,
    ) -> list[Document]:
        """Deliveries newest first, each with its attempts."""
        subscription = await self._subscriptions.owned(subscription_id, agency)
        return await self._deliveries.for_subscription(subscription["_id"], status, before, limit)

    async def redeliver(
        self, subscription_id: str, delivery_id: str, agency: Identity, now: datetime
    ) -> Document:
        """Send a delivery again now with the same webhook-id (a bounded number of times)."""
        subscription = await self._subscriptions.owned(subscription_id, agency)
        return await self._deliveries.redeliver(subscription["_id"], delivery_id, now)
