"""Server-Sent Events of alert changes (`/v1/alerts/stream?regency=…`) for apps and dashboards.

The stream polls the alerts collection for changes rather than listening to this process's
own writes, so it sees every replica's writes and the expiry sweep's too. Fishers hear the
fishing grounds on the same stream (`api.stream_grounds`): new forecasts for the regency, and
what each alert change means for the grounds in its zone. It sends a comment
as a heartbeat (keeping the gateway's read timeout and mobile carriers' idle timers from
closing it), and ends after a bounded lifetime; clients reconnect with `Last-Event-ID`
(the change time in milliseconds) and miss nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.responses import problem_responses

from lumbung_weather_alerts.api.deps import Alerts, ForecastReader, Settings
from lumbung_weather_alerts.api.stream_grounds import (
    Change,
    do_not_sail_change,
    forecast_changes,
    frame,
)
from lumbung_weather_alerts.api.views import alert_view
from lumbung_weather_alerts.domain.alert_chain import AlertStatus, Chain
from lumbung_weather_alerts.domain.cap import MsgType
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.usecases.read_alerts import ReadAlerts
from lumbung_weather_alerts.usecases.read_forecasts import ReadForecasts

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])

RECONNECT_MS = 3000
LOOK_BACK = timedelta(seconds=2)
"""Each poll re-reads this far back: a change stamped just before another may commit after it."""


SSE_DESCRIPTION = (
    "An endless `text/event-stream`: `retry:` first, then one event per change, named "
    "`sea_alert.issued`, `sea_alert.updated` or `sea_alert.cancelled`, whose `id:` is the "
    "change time in milliseconds and whose `data:` is the alert's JSON (the `AlertView` "
    "schema); `fishing_ground.forecast_published` for each forecast with a ground in the "
    "regency's zones (`ForecastView`), and after an alert change in a zone with grounds in "
    "force `fishing_ground.do_not_sail` (`DoNotSailView`: the vessel classes now barred, empty "
    "when lifted); comment lines as heartbeats."
)


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": SSE_DESCRIPTION,
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **problem_responses(422),
    },
)
async def alert_stream(
    *,
    request: Request,
    caller: Caller,
    alerts: Alerts,
    forecasts: ForecastReader,
    settings: Settings,
    regency: Annotated[RegencyPrefix | None, Query(description="Regency code prefix")] = None,
    last_event_id: Annotated[
        str | None,
        Header(max_length=40, description="`id:` of the last event received, to resume"),
    ] = None,
) -> StreamingResponse:
    """Alerts issued, updated or cancelled from now on (or since `Last-Event-ID`)."""
    del caller  # public
    since = _since(last_event_id)
    return StreamingResponse(
        _events(request, alerts, forecasts, settings, regency, since),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _since(last_event_id: str | None) -> datetime:
    if last_event_id and last_event_id.isdigit():
        return datetime.fromtimestamp((int(last_event_id) + 1) / 1000, UTC)
    return datetime.now(UTC)


async def _events(  # noqa: PLR0917 -- one stream's collaborators, passed once
    request: Request,
    alerts: ReadAlerts,
    forecasts: ReadForecasts,
    settings: WeatherAlertsSettings,
    regency: str | None,
    since: datetime,
) -> AsyncIterator[bytes]:
    yield f"retry: {RECONNECT_MS}\n\n".encode()
    started = time.monotonic()
    last_beat = started
    floor = since
    sent: dict[str, datetime] = {}
    """Changes already sent within the look-back window (so re-reading them sends nothing)."""
    while time.monotonic() - started < settings.sse_max_lifetime_seconds:
        if await request.is_disconnected():
            return
        window = max(floor, since - LOOK_BACK)
        changes = await _poll(alerts, forecasts, window, regency, settings.public_base_url)
        for moment, key, data in changes:
            if key not in sent:
                sent[key] = moment
                yield data
        if sent:
            since = max(since, *sent.values())
            sent = {key: at for key, at in sent.items() if at >= since - LOOK_BACK}
        if time.monotonic() - last_beat >= settings.sse_heartbeat_seconds:
            last_beat = time.monotonic()
            yield b": heartbeat\n\n"
        await asyncio.sleep(settings.sse_poll_seconds)


async def _poll(
    alerts: ReadAlerts,
    forecasts: ReadForecasts,
    since: datetime,
    regency: str | None,
    base_url: str,
) -> list[Change]:
    """Every change at or after `since`, in time order: alert changes, each followed by its
    fishing-ground frame (if any), and the forecasts received."""
    changes: list[Change] = []
    for doc in await alerts.changed_since(since, regency):
        for moment, key, data, risks in _changes(doc, since, base_url):
            changes.append((moment, key, data))
            grounds = await do_not_sail_change(forecasts, doc, moment, key, risks)
            if grounds is not None:
                changes.append(grounds)
    changes.extend(await forecast_changes(forecasts, since, regency))
    return sorted(changes, key=lambda change: change[0])


def _changes(
    doc: Chain, since: datetime, base_url: str
) -> list[tuple[datetime, str, bytes, dict[str, str] | None]]:
    """Every change of the chain at or after `since`, oldest first: each CAP message, and the
    expiry, with the vessel risks in force after it (None once it ended). A poll may find
    several (an alert issued and cancelled between two polls)."""
    now = datetime.now(UTC)
    changes: list[tuple[datetime, str, bytes, dict[str, str] | None]] = []
    for index, message in enumerate(doc["messages"]):
        if message["sent"] >= since:
            msg_type = MsgType(message["msg_type"])
            view = alert_view(doc, now, base_url, index).model_dump_json()
            data = frame(message["sent"], _EVENT_NAMES[msg_type], view)
            risks = None if msg_type is MsgType.CANCEL else dict(message["risks"])
            changes.append((message["sent"], message["identifier"], data, risks))
    if doc["status"] == AlertStatus.EXPIRED.value and doc["updated_at"] >= since:
        view = alert_view(doc, now, base_url).model_dump_json()
        key = f"{doc['_id']}:expired"
        data = frame(doc["updated_at"], "sea_alert.cancelled", view)
        changes.append((doc["updated_at"], key, data, None))
    return changes


_EVENT_NAMES = {
    MsgType.ALERT: "sea_alert.issued",
    MsgType.UPDATE: "sea_alert.updated",
    MsgType.CANCEL: "sea_alert.cancelled",
}
"""The same names as the Kafka events; an expiry reads as a cancellation."""
