"""Sea-state observations in (`/v1/observations`): agencies and admins post, the poller reads.

A bad observation is refused whole before anything is stored: 422 with every bad field at
once (the body is the `domain.observations.Observation` model), or 404 `zone-not-found` for a
well-formed zone id we do not have (the body is valid; the zone it names is absent). A repeat
of an identical observation is accepted and changes nothing. An agency reports only for zones
whose regencies all lie inside its regions (`domain.scope`); otherwise 403
`region-out-of-scope`, nothing stored and no alert issued, updated or cancelled.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Response
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel, Field

from lumbung_weather_alerts.api.deps import Feeds, Reporter, Reporting, Settings
from lumbung_weather_alerts.api.views import AlertView, alert_view
from lumbung_weather_alerts.domain.feed import FeedStatus
from lumbung_weather_alerts.domain.lifecycle import NoChangeReason, UpdateReason
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.usecases.report_observation import Outcome

router = APIRouter(prefix="/v1/observations", tags=["observations"])


class IngestView(BaseModel):
    """What an observation did: the alert it issued, updated or cancelled, if any."""

    observation_id: str
    duplicate: bool = Field(description="True when this exact observation was already stored.")
    outcome: Outcome
    reason: UpdateReason | NoChangeReason | None = Field(
        description="Why an alert was updated, or why nothing changed; null otherwise."
    )
    alert: AlertView | None


class FeedSourceView(BaseModel):
    """Health of one polled forecast feed."""

    url: str
    status: FeedStatus
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_new_issue_at: datetime | None
    last_issued_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    accepted: int
    skipped: int


@router.post(
    "",
    response_model=IngestView,
    status_code=201,
    responses={
        200: {"model": IngestView, "description": "Nothing changed (`outcome`: no_change)."},
        **problem_responses(400, 401, 403, 404, 409, 422),
    },
)
async def post_observation(
    reporter: Reporter,
    reporting: Reporting,
    settings: Settings,
    response: Response,
    body: Observation,
) -> IngestView:
    """Report sea conditions for a zone; 201 when it issued, updated or cancelled an alert.

    Agencies only for zones entirely inside their regions (403 otherwise); admins anywhere.
    """
    now = datetime.now(UTC)
    result = await reporting.apply(body, now, scope=RegionScope.of(reporter))
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


@router.get("/sources", response_model=list[FeedSourceView], responses=problem_responses(401, 403))
async def feed_sources(reporter: Reporter, sources: Feeds) -> list[FeedSourceView]:
    """Polled forecast feeds with their freshness (`fresh`, `stale` or `never`)."""
    del reporter
    now = datetime.now(UTC)
    return [FeedSourceView(**state) for state in await sources.all(now)]
