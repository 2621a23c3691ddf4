"""Agency webhook subscriptions (`/v1/subscriptions`): register, rotate, read deliveries, redeliver.

The URL passes the SSRF guard at registration (and again at every delivery). The signing
secret is shown once, when created or rotated; we never show it again.

An agency subscribes only to prefixes inside its regions (`domain.scope`; 403
`region-out-of-scope` for a foreign or wider prefix, nothing stored) and sees, deletes, rotates
and reads or redelivers the deliveries of its own subscriptions only: anyone else's is 404, so
their existence does not leak. Admins are unrestricted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from lumbung_shared.clock import utc_now
from lumbung_shared.mongo import Document
from lumbung_shared.web.guards import NO_STORE
from pydantic import BaseModel, Field

from lumbung_weather_alerts.api.deps import Agency, Deliveries, Subscriptions
from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix

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
    agency: Agency, body: SubscriptionBody, subscriptions: Subscriptions
) -> CreatedSubscription:
    """Register a webhook for regency prefixes at or above a severity; returns its secret.

    Agencies only for prefixes inside their regions (403 otherwise); admins for any.
    """
    created = await subscriptions.register(
        agency,
        url=body.url,
        prefixes=body.regency_prefixes,
        min_severity=body.min_severity,
        now=utc_now(),
    )
    return CreatedSubscription(**_view(created.subscription).model_dump(), secret=created.secret)


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
    await subscriptions.stop(subscription_id, agency, utc_now())
    return Response(status_code=204)


@router.post(
    "/{subscription_id}/secret/rotate", response_model=RotatedSecret, dependencies=[NO_STORE]
)
async def rotate_secret(
    subscription_id: str, agency: Agency, subscriptions: Subscriptions
) -> RotatedSecret:
    """A new secret; the old one keeps signing alongside it for the overlap window."""
    now = utc_now()
    secret = await subscriptions.rotate(subscription_id, agency, now)
    return RotatedSecret(secret=secret, previous_valid_until=now + subscriptions.overlap)


@router.get("/{subscription_id}/deliveries", response_model=list[DeliveryView])
async def delivery_log(
    *,
    subscription_id: str,
    agency: Agency,
    deliveries: Deliveries,
    status: Annotated[str | None, Query(pattern="^(pending|delivered|dead)$")] = None,
    before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[DeliveryView]:
    """Deliveries newest first, each with its attempts (time, status code, latency, error)."""
    docs = await deliveries.log(subscription_id, agency, status=status, before=before, limit=limit)
    return [_delivery(doc) for doc in docs]


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryView,
)
async def redeliver(
    *, subscription_id: str, delivery_id: str, agency: Agency, deliveries: Deliveries
) -> DeliveryView:
    """Send a delivery again now with the same webhook-id (a bounded number of times)."""
    doc = await deliveries.redeliver(subscription_id, delivery_id, agency, utc_now())
    return _delivery(doc)
