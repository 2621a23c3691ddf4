"""Agency webhook subscriptions (`/v1/subscriptions`): register, rotate, read deliveries, redeliver.

The URL passes the SSRF guard at registration (and again at every delivery). The signing
secret is shown once, when created or rotated; we never show it again.

An agency subscribes only to prefixes inside its regions (`domain.scope`; 403
`region-out-of-scope` for a foreign or wider prefix, nothing stored) and sees, deletes, rotates
and reads or redelivers the deliveries of its own subscriptions only: anyone else's is 404, so
their existence does not leak. Admins are unrestricted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response
from lumbung_shared.errors import ConflictError, Message
from lumbung_shared.web.guards import NO_STORE
from pydantic import BaseModel, Field

from lumbung_weather_alerts.api.deps import Agency, Deliveries, Guard, Settings, Subscriptions
from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix
from lumbung_weather_alerts.domain.webhooks import new_secret
from lumbung_weather_alerts.storage.subscriptions import MAX_PER_OWNER, Document

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])


class SubscriptionBody(BaseModel):
    """A webhook registration."""

    url: str = Field(min_length=8, max_length=2048)
    regency_prefixes: list[RegencyPrefix] = Field(min_length=1, max_length=50)
    min_severity: Severity = Severity.MODERATE


class SubscriptionView(BaseModel):
    id: str
    url: str
    regency_prefixes: list[str]
    min_severity: str
    status: str
    created_at: datetime
    secret_count: int


class CreatedSubscription(SubscriptionView):
    secret: str = Field(description="Shown once: verify webhook-signature with it.")


class RotatedSecret(BaseModel):
    secret: str
    previous_valid_until: datetime


class AttemptView(BaseModel):
    at: datetime
    round: int
    status_code: int | None
    latency_ms: int
    error: str | None


class DeliveryView(BaseModel):
    id: str
    webhook_id: str
    alert_id: str
    identifier: str
    event_type: str
    status: str
    attempt_count: int
    redeliveries: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None = None
    created_at: datetime
    attempts: list[AttemptView]


def _view(doc: Document) -> SubscriptionView:
    return SubscriptionView(
        id=doc["_id"],
        url=doc["url"],
        regency_prefixes=doc["regency_prefixes"],
        min_severity=doc["min_severity"],
        status=doc["status"],
        created_at=doc["created_at"],
        secret_count=len(doc["secrets"]),
    )


def _delivery(doc: Document) -> DeliveryView:
    return DeliveryView(id=doc["_id"], **{k: v for k, v in doc.items() if k != "_id"})


@router.post("", status_code=201, response_model=CreatedSubscription, dependencies=[NO_STORE])
async def register(
    agency: Agency, body: SubscriptionBody, subscriptions: Subscriptions, guard: Guard
) -> CreatedSubscription:
    """Register a webhook for regency prefixes at or above a severity; returns its secret.

    Agencies only for prefixes inside their regions (403 otherwise); admins for any.
    """
    RegionScope.of(agency).check_prefixes(body.regency_prefixes)
    await guard.check(body.url)
    if await subscriptions.count_active(agency) >= MAX_PER_OWNER:
        raise ConflictError(
            "too-many-subscriptions",
            Message(id="Terlalu banyak langganan.", en="Too many subscriptions."),
            limit=MAX_PER_OWNER,
        )
    secret = new_secret()
    doc = await subscriptions.create(
        agency,
        url=body.url,
        prefixes=body.regency_prefixes,
        min_severity=body.min_severity,
        secret=secret,
        now=datetime.now(UTC),
    )
    return CreatedSubscription(**_view(doc).model_dump(), secret=secret)


@router.get("", response_model=list[SubscriptionView])
async def list_subscriptions(
    agency: Agency, subscriptions: Subscriptions
) -> list[SubscriptionView]:
    """The caller's subscriptions."""
    return [_view(doc) for doc in await subscriptions.list_owned(agency)]


@router.get("/{subscription_id}", response_model=SubscriptionView)
async def get_subscription(
    subscription_id: str, agency: Agency, subscriptions: Subscriptions
) -> SubscriptionView:
    """One of the caller's subscriptions."""
    return _view(await subscriptions.owned(subscription_id, agency))


@router.delete("/{subscription_id}", status_code=204)
async def delete_subscription(
    subscription_id: str, agency: Agency, subscriptions: Subscriptions
) -> Response:
    """Stop deliveries to this webhook."""
    await subscriptions.disable(subscription_id, agency, datetime.now(UTC))
    return Response(status_code=204)


@router.post(
    "/{subscription_id}/secret/rotate", response_model=RotatedSecret, dependencies=[NO_STORE]
)
async def rotate_secret(
    subscription_id: str, agency: Agency, subscriptions: Subscriptions, settings: Settings
) -> RotatedSecret:
    """A new secret; the old one keeps signing alongside it for the overlap window."""
    now = datetime.now(UTC)
    overlap = timedelta(seconds=settings.webhook_secret_overlap_seconds)
    secret = new_secret()
    await subscriptions.rotate(subscription_id, agency, secret, now, overlap)
    return RotatedSecret(secret=secret, previous_valid_until=now + overlap)


@router.get("/{subscription_id}/deliveries", response_model=list[DeliveryView])
async def delivery_log(
    *,
    subscription_id: str,
    agency: Agency,
    subscriptions: Subscriptions,
    deliveries: Deliveries,
    status: Annotated[str | None, Query(pattern="^(pending|delivered|dead)$")] = None,
    before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[DeliveryView]:
    """Deliveries newest first, each with its attempts (time, status code, latency, error)."""
    subscription = await subscriptions.owned(subscription_id, agency)
    docs = await deliveries.for_subscription(subscription["_id"], status, before, limit)
    return [_delivery(doc) for doc in docs]


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryView,
)
async def redeliver(
    *,
    subscription_id: str,
    delivery_id: str,
    agency: Agency,
    subscriptions: Subscriptions,
    deliveries: Deliveries,
) -> DeliveryView:
    """Send a delivery again now with the same webhook-id (a bounded number of times)."""
    subscription = await subscriptions.owned(subscription_id, agency)
    doc = await deliveries.redeliver(subscription["_id"], delivery_id, datetime.now(UTC))
    return _delivery(doc)
