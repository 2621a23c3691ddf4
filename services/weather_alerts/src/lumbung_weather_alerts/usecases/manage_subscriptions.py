"""Agency webhook subscriptions: register, list, read, stop, rotate the signing secret.

An agency subscribes only to prefixes inside its regions (`domain.scope`, 403 otherwise, nothing
stored) and sees, stops and rotates its own subscriptions only: anyone else's is 404, so their
existence does not leak. Admins are unrestricted. The URL passes the SSRF guard at registration
(and again at every delivery, `usecases.deliver_webhooks`). The secret is returned only here,
when created or rotated; it is never shown again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from lumbung_shared.errors import ConflictError, Message
from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document

from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.domain.webhooks import new_secret
from lumbung_weather_alerts.storage.subscriptions import MAX_PER_OWNER, SubscriptionRepository
from lumbung_weather_alerts.storage.webhook_guard import UrlGuard


@dataclass(frozen=True)
class WithSecret:
    """A subscription and the secret it signs with from now on (shown this once)."""

    subscription: Document
    secret: str


class ManageSubscriptions:
    """What an agency does with its webhook subscriptions."""

    def __init__(
        self, subscriptions: SubscriptionRepository, guard: UrlGuard, overlap: timedelta
    ) -> None:
        self._subscriptions = subscriptions
        self._guard = guard
        self._overlap = overlap

    @property
    def overlap(self) -> timedelta:
        """How long a rotated-out secret keeps signing next to the new one."""
        return self._overlap

    async def register(
        self,
        agency: Identity,
        *,
        url: str,
        prefixes: list[str],
        min_severity: Severity,
        now: datetime,
    ) -> WithSecret:
        """A webhook for prefixes inside the agency's regions, at or above a severity."""
        RegionScope.of(agency).check_prefixes(prefixes)
        await self._guard.check(url)
        if await self._subscriptions.count_active(agency) >= MAX_PER_OWNER:
            raise ConflictError(
                "too-many-subscriptions",
                Message(id="Terlalu banyak langganan.", en="Too many subscriptions."),
                limit=MAX_PER_OWNER,
            )
        secret = new_secret()
        doc = await self._subscriptions.create(
            agency, url=url, prefixes=prefixes, min_severity=min_severity, secret=secret, now=now
        )
        return WithSecret(doc, secret)

    async def list_owned(self, agency: Identity) -> list[Document]:
        """The caller's active subscriptions, newest first."""
        return await self._subscriptions.list_owned(agency)

    async def owned(self, subscription_id: str, agency: Identity) -> Document:
        """One of the caller's subscriptions (admins: any); 404 otherwise."""
        return await self._subscriptions.owned(subscription_id, agency)

    async def stop(self, subscription_id: str, agency: Identity, now: datetime) -> None:
        """Stop deliveries to the webhook; it stays on record with its deliveries."""
        await self._subscriptions.disable(subscription_id, agency, now)

    async def rotate(self, subscription_id: str, agency: Identity, now: datetime) -> str:
        """A new secret; the old ones keep signing alongside it for the overlap window."""
        secret = new_secret()
        await self._subscriptions.rotate(subscription_id, agency, secret, now, self._overlap)
        return secret
