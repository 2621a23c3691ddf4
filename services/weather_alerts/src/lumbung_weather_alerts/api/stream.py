"""Server-Sent Events of alert changes (`/v1/alerts/stream?regency=…`) for apps and dashboards.

The stream polls the alerts collection for changes rather than listening to this process's
own writes, so it sees every replica's writes and the expiry sweep's too. It sends a comment
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

from lumbung_weather_alerts.api.deps import Alerts, Settings
from lumbung_weather_alerts.api.views import AlertView, alert_view
from lumbung_weather_alerts.domain.alert_chain import AlertStatus, Chain
from lumbung_weather_alerts.domain.cap import MsgType
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.usecases.read_alerts import ReadAlerts

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])

RECONNECT_MS = 3000
LOOK_BACK = timedelta(seconds=2)
"""Each poll re-reads this far back: a change stamped just before another may commit after it."""


SSE_DESCRIPTION = (
    "An endless `text/event-stream`: `retry:` first, then one event per change, named "
    "`sea_alert.issued`, `sea_alert.updated` or `sea_alert.cancelled`, whose `id:` is the "
    "change time in milliseconds and whose `data:` is the alert's JSON (the `AlertView` "
    "schema); comment lines as heartbeats."
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
        _events(request, alerts, settings, regency, since),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _since(last_event_id: str | None) -> datetime:
    if last_event_id and last_event_id.isdigit():
        return datetime.fromtimestamp((int(last_event_id) + 1) / 1000, UTC)
    return datetime.now(UTC)


async def _events(
    request: Request,
    alerts: ReadAlerts,
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
        for doc in await alerts.changed_since(window, regency):
            for moment, key, frame in _changes(doc, window, settings.public_base_url):
                if key not in sent:
                    sent[key] = moment
                    yield frame
        if sent:
            since = max(since, *sent.values())
            sent = {key: at for key, at in sent.items() if at >= since - LOOK_BACK}
        if time.monotonic() - last_beat >= settings.sse_heartbeat_seconds:
            last_beat = time.monotonic()
            yield b": heartbeat\n\n"
        await asyncio.sleep(settings.sse_poll_seconds)


def _changes(doc: Chain, since: datetime, base_url: str) -> list[tuple[datetime, str, bytes]]:
    """Every change of the chain at or after `since`, oldest first: each CAP message, and the
    expiry. A poll may find several (an alert issued and cancelled between two polls)."""
    now = datetime.now(UTC)
    changes = []
    for index, message in enumerate(doc["messages"]):
        if message["sent"] >= since:
            name = _EVENT_NAMES[MsgType(message["msg_type"])]
            view = alert_view(doc, now, base_url, index)
            changes.append(
                (message["sent"], message["identifier"], _frame(message["sent"], name, view))
            )
    if doc["status"] == AlertStatus.EXPIRED.value and doc["updated_at"] >= since:
        view = alert_view(doc, now, base_url)
        key = f"{doc['_id']}:expired"
        changes.append(
            (doc["updated_at"], key, _frame(doc["updated_at"], "sea_alert.cancelled", view))
        )
    return changes


_EVENT_NAMES = {
    MsgType.ALERT: "sea_alert.issued",
    MsgType.UPDATE: "sea_alert.updated",
    MsgType.CANCEL: "sea_alert.cancelled",
}
"""The same names as the Kafka events; an expiry reads as a cancellation."""


def _frame(moment: datetime, name: str, view: AlertView) -> bytes:
    event_id = int(moment.timestamp() * 1000)
    return f"id: {event_id}\nevent: {name}\ndata: {view.model_dump_json()}\n\n".encode()
