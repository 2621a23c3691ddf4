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
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Response
from lumbung_shared.clock import utc_now
from lumbung_shared.mongo import Document
from lumbung_shared.web.guards import NO_STORE
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, ConfigDict, Field

from lumbung_weather_alerts.api.deps import Agency, Deliveries, Subscriptions
from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.ssrf import url_pattern
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])

SubscriptionId = Annotated[str, Path(pattern=r"^sub_[0-9a-f]{32}$", max_length=36)]
DeliveryId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", max_length=32)]
EventType = Literal["sea_alert.issued", "sea_alert.updated", "sea_alert.cancelled"]
OWN = problem_responses(401, 403, 404, 422)
"""What a route on one of the caller's subscriptions answers besides success."""


class SubscriptionBody(BaseModel):
    """A webhook registration."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://bpbd.example.go.id/hooks/lumbung",
                    "regency_prefixes": ["35.10", "51"],
                    "min_severity": "Severe",
                }
            ]
        }
    )

    url: str = Field(
        min_length=8,
        max_length=2048,
        pattern=url_pattern(require_https=False),
        json_schema_extra={"format": "uri"},
        description="An absolute https URL (plain http on test stacks only) with no "
        "credentials; its host must resolve to public addresses only (422 "
        "`unsafe-webhook-url` with its `reason` otherwise), at registration and before every "
        "delivery.",
    )
    regency_prefixes: list[RegencyPrefix] = Field(min_length=1, max_length=50)
    min_severity: Severity = Severity.MODERATE


def publish_url_scheme(app: FastAPI, *, require_https: bool) -> None:
    """State in `app`'s document the scheme this deployment's SSRF guard accepts.

    The body model admits http as well (test stacks deliver to a plain-http receiver), and the
    guard then refuses it where https is required; the document states the narrower rule of
    the deployment, so a schema-valid URL is not refused for its scheme. Hand-written because
    pydantic fixes a field's pattern when the model is defined, before settings are read.
    """
    if not require_https:
        return
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()  # cached by FastAPI: the change below is made once
        body = schema["components"]["schemas"]["SubscriptionBody"]
        body["properties"]["url"]["pattern"] = url_pattern(require_https=True)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


class SubscriptionView(BaseModel):
    """A webhook registration as its owner sees it (never the secret)."""

    id: str
    url: str
    regency_prefixes: list[str]
    min_severity: Severity
    status: Literal["active", "disabled"]
    created_at: datetime
    secret_count: int = Field(description="2 during a rotation's overlap, else 1.")


class CreatedSubscription(SubscriptionView):
    secret: str = Field(description="Shown once: verify webhook-signature with it.")


class RotatedSecret(BaseModel):
    """The new signing secret, shown once."""

    secret: str
    previous_valid_until: datetime


class AttemptView(BaseModel):
    """One try to deliver."""

    at: datetime
    round: int
    status_code: int | None
    latency_ms: int
    error: str | None


class DeliveryView(BaseModel):
    """One webhook delivery: what was sent about which alert, and every attempt."""

    id: str
    webhook_id: str = Field(description="The `webhook-id` header, the same on every retry.")
    alert_id: str = Field(description="The alert's id (`GET /v1/alerts/{alert_id}`).")
    identifier: str = Field(description="CAP identifier of the message delivered.")
    event_type: EventType
    status: Literal["pending", "delivered", "dead"]
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


@router.post(
    "",
    status_code=201,
    response_model=CreatedSubscription,
    dependencies=[NO_STORE],
    responses=problem_responses(400, 401, 403, 409, 422),
)
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


@router.get("", response_model=list[SubscriptionView], responses=problem_responses(401, 403))
async def list_subscriptions(
    agency: Agency, subscriptions: Subscriptions
) -> list[SubscriptionView]:
    """The caller's subscriptions."""
    return [_view(doc) for doc in await subscriptions.list_owned(agency)]


@router.get("/{subscription_id}", response_model=SubscriptionView, responses=OWN)
async def get_subscription(
    subscription_id: SubscriptionId, agency: Agency, subscriptions: Subscriptions
) -> SubscriptionView:
    """One of the caller's subscriptions."""
    return _view(await subscriptions.owned(subscription_id, agency))


@router.delete("/{subscription_id}", status_code=204, responses=OWN)
async def delete_subscription(
    subscription_id: SubscriptionId, agency: Agency, subscriptions: Subscriptions
) -> Response:
    """Stop deliveries to this webhook."""
    await subscriptions.stop(subscription_id, agency, utc_now())
    return Response(status_code=204)


@router.post(
    "/{subscription_id}/secret/rotate",
    response_model=RotatedSecret,
    dependencies=[NO_STORE],
    responses=OWN,
)
async def rotate_secret(
    subscription_id: SubscriptionId, agency: Agency, subscriptions: Subscriptions
) -> RotatedSecret:
    """A new secret; the old one keeps signing alongside it for the overlap window."""
    now = utc_now()
    secret = await subscriptions.rotate(subscription_id, agency, now)
    return RotatedSecret(secret=secret, previous_valid_until=now + subscriptions.overlap)


@router.get("/{subscription_id}/deliveries", response_model=list[DeliveryView], responses=OWN)
async def delivery_log(
    *,
    subscription_id: SubscriptionId,
    agency: Agency,
    deliveries: Deliveries,
    status: Annotated[Literal["pending", "delivered", "dead"] | None, Query()] = None,
    before: Annotated[
        datetime | None, Query(description="Only deliveries created before this time")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[DeliveryView]:
    """Deliveries newest first, each with its attempts (time, status code, latency, error)."""
    docs = await deliveries.log(subscription_id, agency, status=status, before=before, limit=limit)
    return [_delivery(doc) for doc in docs]


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryView,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def redeliver(
    *,
    subscription_id: SubscriptionId,
    delivery_id: DeliveryId,
    agency: Agency,
    deliveries: Deliveries,
) -> DeliveryView:
    """Send a delivery again now with the same webhook-id (a bounded number of times)."""
    doc = await deliveries.redeliver(subscription_id, delivery_id, agency, utc_now())
    return _delivery(doc)
