"""Sea-state observations in (`/v1/observations`): agencies and admins post, the poller reads.

A bad observation is refused whole (422, bilingual, the field named) before anything is
stored; a repeat of an identical observation is accepted and changes nothing. An agency reports
only for zones whose regencies all lie inside its regions (`domain.scope`); otherwise 403
`region-out-of-scope`, nothing stored and no alert issued, updated or cancelled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel

from lumbung_weather_alerts.api.deps import Feeds, Reporter, Reporting, Settings
from lumbung_weather_alerts.api.views import AlertView, alert_view
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.usecases.report_observation import parse_observation

router = APIRouter(prefix="/v1/observations", tags=["observations"])


class IngestView(BaseModel):
    """What an observation did: the alert it issued, updated or cancelled, if any."""

    observation_id: str
    duplicate: bool
    outcome: str
    reason: str | None
    alert: AlertView | None


class FeedSourceView(BaseModel):
    """Health of one polled forecast feed."""

    url: str
    status: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_new_issue_at: datetime | None
    last_issued_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    accepted: int
    skipped: int


@router.post("", response_model=IngestView)
async def post_observation(
    reporter: Reporter,
    reporting: Reporting,
    settings: Settings,
    response: Response,
    body: Annotated[Any, Body()],
) -> IngestView:
    """Report sea conditions for a zone; 201 when it issued, updated or cancelled an alert.

    Agencies only for zones entirely inside their regions (403 otherwise); admins anywhere.
    """
    observation = parse_observation(body)
    now = datetime.now(UTC)
    result = await reporting.apply(observation, now, scope=RegionScope.of(reporter))
    response.status_code = 200 if result.outcome == "no_change" else 201
    alert = (
        None if result.alert is None else alert_view(result.alert, now, settings.public_base_url)
    )
    return IngestView(
        observation_id=result.observation_id,
        duplicate=not result.new_observation,
        outcome=result.outcome,
        reason=result.reason,
        alert=alert,
    )


@router.get("/sources", response_model=list[FeedSourceView])
async def feed_sources(reporter: Reporter, sources: Feeds) -> list[FeedSourceView]:
    """Polled forecast feeds with their freshness (`fresh`, `stale` or `never`)."""
    del reporter
    now = datetime.now(UTC)
    return [FeedSourceView(**state) for state in await sources.all(now)]
