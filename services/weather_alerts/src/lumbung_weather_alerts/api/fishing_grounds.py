"""Fishing-ground forecasts in and out (`/v1/fishing-grounds/forecasts`).

Agencies and admins post forecasts (agencies only for zones touching their regions:
`domain.forecast_record`); the ZPPI feed poller publishes the same way. A post is idempotent by
the forecast's id: the same content again answers 200 with the stored forecast, other content
under the same id is 409. A ground in no known zone is a 422 field error of that ground.
Reads are public, like the alert feeds: forecasts in force, cursor-paged, and one by id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from lumbung_shared.cursors import CURSOR_PATTERN
from lumbung_shared.errors import FieldError
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel

from lumbung_weather_alerts.api.deps import ForecastReader, GroundFeeds, Publishing, Reporter
from lumbung_weather_alerts.api.forecast_views import ForecastView, forecast_view
from lumbung_weather_alerts.api.observations import FeedSourceView
from lumbung_weather_alerts.domain.fishing_grounds import FORECAST_ID_PATTERN, ForecastBody
from lumbung_weather_alerts.domain.ground_zones import OUTSIDE_ZONES, GroundOutsideZonesError
from lumbung_weather_alerts.domain.scope import RegionScope

router = APIRouter(prefix="/v1/fishing-grounds", tags=["fishing-grounds"])


class ForecastPageView(BaseModel):
    """Forecasts in force, by id; pass `next_cursor` as `cursor` for the next page."""

    items: list[ForecastView]
    next_cursor: str | None


@router.post(
    "/forecasts",
    response_model=ForecastView,
    status_code=201,
    responses={
        200: {"model": ForecastView, "description": "This forecast was already published."},
        **problem_responses(400, 401, 403, 409, 422),
    },
)
async def post_forecast(
    reporter: Reporter, publishing: Publishing, response: Response, body: ForecastBody
) -> ForecastView:
    """Publish a fishing-ground forecast; 201 when new, 200 when the same one again.

    Agencies only for zones touching their regions (403 otherwise); admins anywhere.
    """
    now = datetime.now(UTC)
    try:
        published = await publishing.publish(
            body, now, scope=RegionScope.of(reporter), posted_by=reporter.subject
        )
    except GroundOutsideZonesError as exc:
        raise _outside_zones(exc) from None
    response.status_code = 201 if published.created else 200
    response.headers["Location"] = f"/v1/fishing-grounds/forecasts/{body.id}"
    return forecast_view(published.forecast)


def _outside_zones(exc: GroundOutsideZonesError) -> RequestValidationError:
    """The grounds in no zone as field errors of the body, like any other invalid field."""
    return RequestValidationError(
        [
            {
                "type": "value_error",
                "loc": ("body", "grounds", index),
                "msg": OUTSIDE_ZONES.en,
                "input": None,
                "ctx": {"error": FieldError("ground-outside-zones", OUTSIDE_ZONES)},
            }
            for index in exc.indexes
        ]
    )


@router.get("/forecasts", response_model=ForecastPageView, responses=problem_responses(422))
async def list_forecasts(
    caller: Caller,
    reader: ForecastReader,
    cursor: Annotated[
        str | None,
        Query(
            max_length=200, pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ForecastPageView:
    """Forecasts in force now (superseded and expired ones left out), by id; cursor-paged."""
    del caller  # public, like the alert feeds
    page = await reader.page(datetime.now(UTC), cursor, limit)
    return ForecastPageView(
        items=[forecast_view(f) for f in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/forecasts/{forecast_id}", response_model=ForecastView, responses=problem_responses(404, 422)
)
async def get_forecast(
    caller: Caller,
    reader: ForecastReader,
    forecast_id: Annotated[str, Path(pattern=FORECAST_ID_PATTERN)],
) -> ForecastView:
    """One forecast, superseded ones included (with `superseded_by`); 404 once expired."""
    del caller
    return forecast_view(await reader.one(forecast_id, datetime.now(UTC)))


@router.get("/sources", response_model=list[FeedSourceView], responses=problem_responses(401, 403))
async def feed_sources(reporter: Reporter, sources: GroundFeeds) -> list[FeedSourceView]:
    """Polled fishing-ground feeds with their freshness (`fresh`, `stale` or `never`)."""
    del reporter
    return [FeedSourceView(**state) for state in await sources.all(datetime.now(UTC))]
