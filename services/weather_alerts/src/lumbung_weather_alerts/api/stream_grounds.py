"""The fishing-ground frames of the alert SSE stream (`api.stream`).

Fishers subscribed to a regency hear, besides the alerts:

- `fishing_ground.forecast_published`: a forecast with a ground in a zone touching the regency
  was accepted (`data` is the `ForecastView`), at the time it was received;
- `fishing_ground.do_not_sail`: an alert change in a zone where forecasts in force have
  grounds, sent right after that change's `sea_alert.*` frame with the same `id:`; `vessels`
  are the classes the alert now makes *do not sail* there (empty once it is cancelled, has
  expired or no longer reaches danger: ask the planner again), `grounds` the forecasts'
  grounds it concerns.

The planner also marks a ground *do not sail* from observations alone (waves over a boat's
limit but under the alert threshold); those are not pushed: only alerts are events here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from lumbung_weather_alerts.api.forecast_views import forecast_view
from lumbung_weather_alerts.domain.alert_chain import Chain
from lumbung_weather_alerts.domain.forecast_record import Forecast, grounds_of
from lumbung_weather_alerts.domain.vessels import Risk, VesselClass
from lumbung_weather_alerts.usecases.read_forecasts import ReadForecasts

Change = tuple[datetime, str, bytes]
"""A frame's time, its de-duplication key, and its bytes."""

FORECAST_EVENT = "fishing_ground.forecast_published"
DO_NOT_SAIL_EVENT = "fishing_ground.do_not_sail"


class GroundsConcerned(BaseModel):
    """The grounds of one forecast in the alert's zone."""

    forecast_id: str
    ground_indexes: list[int]


class DoNotSailView(BaseModel):
    """What an alert change means for the fishing grounds in its zone."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "zone_id": "perairan-kepulauan-seribu",
                    "alert_id": "lumbung-20260301-0123456789abcdef",
                    "vessels": ["fishing_boat", "barge", "ferry"],
                    "grounds": [{"forecast_id": "zppi-20260301-1", "ground_indexes": [0, 2]}],
                }
            ]
        }
    )

    zone_id: str
    alert_id: str
    vessels: list[VesselClass] = Field(
        description="Classes for which the zone's grounds are now do not sail (may be empty)."
    )
    grounds: list[GroundsConcerned]


def frame(moment: datetime, name: str, data_json: str) -> bytes:
    """One SSE event; its `id:` is `moment` in milliseconds (what `Last-Event-ID` resumes)."""
    event_id = int(moment.timestamp() * 1000)
    return f"id: {event_id}\nevent: {name}\ndata: {data_json}\n\n".encode()


async def forecast_changes(
    forecasts: ReadForecasts, since: datetime, regency: str | None
) -> list[Change]:
    """A frame for each forecast received at or after `since` touching the regency."""
    return [
        (f["received_at"], f"forecast:{f['_id']}", _forecast_frame(f))
        for f in await forecasts.received_since(since, regency)
    ]


def _forecast_frame(forecast: Forecast) -> bytes:
    return frame(forecast["received_at"], FORECAST_EVENT, forecast_view(forecast).model_dump_json())


async def do_not_sail_change(
    forecasts: ReadForecasts,
    alert: Chain,
    moment: datetime,
    key: str,
    risks: dict[str, str] | None,
) -> Change | None:
    """The do-not-sail frame for one change of `alert` (`risks` None: the alert ended), or None
    when no forecast in force has a ground in its zone."""
    zone_id: str = alert["zone_id"]
    concerned = []
    for forecast in await forecasts.live_in_zone(zone_id, datetime.now(UTC)):
        indexes = [g.index for g in grounds_of(forecast) if g.zone_id == zone_id]
        if indexes:
            concerned.append(GroundsConcerned(forecast_id=forecast["_id"], ground_indexes=indexes))
    if not concerned:
        return None
    vessels = [
        VesselClass(vessel) for vessel, risk in (risks or {}).items() if risk == Risk.DANGER.value
    ]
    view = DoNotSailView(zone_id=zone_id, alert_id=alert["_id"], vessels=vessels, grounds=concerned)
    return moment, f"{key}:do-not-sail", frame(moment, DO_NOT_SAIL_EVENT, view.model_dump_json())
