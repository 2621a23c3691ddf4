"""Public alert feeds (`/v1/alerts`): JSON list and detail, CAP 1.2 XML per alert, Atom index.

Anyone may read them, signed in or not: a warning that only reaches account holders fails
the fishers who most need it. The Atom route is declared before `/{alert_id}` so that its path
is not taken for an alert id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from lumbung_shared.cursors import CURSOR_PATTERN
from lumbung_shared.web.identity import Caller
from lumbung_shared.web.problems import language
from lumbung_shared.web.responses import problem_responses
from pydantic import BaseModel

from lumbung_weather_alerts.api.caching import cached_response
from lumbung_weather_alerts.api.deps import Alerts, Settings
from lumbung_weather_alerts.api.views import AlertView, alert_view
from lumbung_weather_alerts.domain.alert_chain import (
    AlertStatus,
    Chain,
    cap_alert_of,
    message_index,
)
from lumbung_weather_alerts.domain.alert_query import AlertQuery
from lumbung_weather_alerts.domain.atom import AtomFeed, entry_for_alert, render_atom
from lumbung_weather_alerts.domain.cap import Severity
from lumbung_weather_alerts.domain.cap_xml import render_cap
from lumbung_weather_alerts.domain.subscriptions import RegencyPrefix

router = APIRouter(prefix="/v1/alerts", tags=["alerts"])

CAP_XML = "application/cap+xml"
ATOM_XML = "application/atom+xml"
ZONE_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ALERT_ID = r"^[A-Za-z0-9._-]+$"
"""Chain ids and CAP identifiers as we make them (`lumbung-<date>-<hex>`, `-<n>` per message)."""

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "The copy named by `If-None-Match` / `If-Modified-Since` is current."}
}


def _xml(media_type: str, description: str) -> dict[str, Any]:
    """A 200 answered as XML text, for `responses=`."""
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


class AlertPage(BaseModel):
    """One page of alerts, newest issued first; pass `next_cursor` as `cursor` for the next."""

    items: list[AlertView]
    next_cursor: str | None


@router.get("", response_model=AlertPage, responses={**NOT_MODIFIED, **problem_responses(422)})
async def list_alerts(
    *,
    request: Request,
    caller: Caller,
    alerts: Alerts,
    settings: Settings,
    zone: Annotated[str | None, Query(max_length=80, pattern=ZONE_ID)] = None,
    regency: Annotated[RegencyPrefix | None, Query(description="Regency code prefix")] = None,
    severity: Annotated[
        Severity | None, Query(description="CAP severity of the latest message")
    ] = None,
    status: Annotated[AlertStatus | None, Query(description="Where the alert stands")] = None,
    active: Annotated[bool | None, Query(description="In force now (true) or not (false)")] = None,
    updated_since: Annotated[
        datetime | None, Query(description="Only alerts changed at or after this time")
    ] = None,
    cursor: Annotated[
        str | None,
        Query(
            max_length=200, pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page"
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Alerts filtered by zone, regency prefix, severity, status and activity; cursor-paged."""
    del caller  # public feed
    now = datetime.now(UTC)
    query = AlertQuery(
        zone_id=zone,
        regency_prefix=regency,
        severity=severity,
        status=status,
        active_at=now if active is True else None,
        inactive_at=now if active is False else None,
        updated_since=_aware(updated_since),
    )
    found = await alerts.page(query, cursor, limit)
    base = settings.public_base_url
    page = AlertPage(
        items=[alert_view(doc, now, base) for doc in found.items], next_cursor=found.next_cursor
    )
    body = page.model_dump_json().encode()
    return cached_response(request, body, "application/json", await alerts.last_change())


@router.get(
    "/feed.atom",
    response_class=Response,
    responses={200: _xml(ATOM_XML, "Atom 1.0 index of the active alerts."), **NOT_MODIFIED},
)
async def atom_feed(
    request: Request, caller: Caller, alerts: Alerts, settings: Settings
) -> Response:
    """Atom index of the active alerts; each entry links to the alert's CAP document."""
    del caller
    now = datetime.now(UTC)
    docs = await alerts.active(now)
    lang = language(request)
    base = settings.public_base_url
    cap_alerts = sorted((cap_alert_of(doc) for doc in docs), key=lambda a: a.sent, reverse=True)
    last_change = await alerts.last_change()
    feed = AtomFeed(
        id=f"{base}/v1/alerts/feed.atom",
        title="Peringatan gelombang - Lumbung" if lang == "id" else "Sea warnings - Lumbung",
        updated=last_change or now,
        self_link=f"{base}/v1/alerts/feed.atom",
        author_name="Lumbung",
        entries=[entry_for_alert(a, f"{base}/v1/alerts/{a.identifier}", lang) for a in cap_alerts],
    )
    return cached_response(request, render_atom(feed), ATOM_XML, last_change)


AlertId = Annotated[
    str,
    Path(
        pattern=ALERT_ID,
        max_length=100,
        description="The alert's id (`id`, latest message) or one CAP message `identifier`",
    ),
]


@router.get(
    "/{alert_id}",
    response_model=AlertView,
    responses={
        200: {"content": {CAP_XML: {"schema": {"type": "string"}}}},
        **NOT_MODIFIED,
        **problem_responses(404, 422),
    },
)
async def get_alert(
    alert_id: AlertId, request: Request, caller: Caller, alerts: Alerts, settings: Settings
) -> Response:
    """One alert as JSON, or as CAP 1.2 XML with `Accept: application/cap+xml`.

    The id may be the alert's id (its latest message) or any CAP message identifier in it.
    """
    del caller
    doc = await alerts.one(alert_id)
    accept = request.headers.get("accept", "")
    if CAP_XML in accept or "application/xml" in accept:
        return _cap_response(request, doc, alert_id)
    view = alert_view(doc, datetime.now(UTC), settings.public_base_url)
    return cached_response(
        request, view.model_dump_json().encode(), "application/json", doc["updated_at"]
    )


@router.get(
    "/{alert_id}/cap",
    response_class=Response,
    responses={
        200: _xml(CAP_XML, "The CAP 1.2 message."),
        **NOT_MODIFIED,
        **problem_responses(404, 422),
    },
)
async def get_alert_cap(
    alert_id: AlertId, request: Request, caller: Caller, alerts: Alerts
) -> Response:
    """One alert as CAP 1.2 XML whatever `Accept` says: the link in `cap_url` and webhooks.

    A route of its own because a generated client parses each status as one type: where the
    200 of `GET /v1/alerts/{alert_id}` is JSON or CAP by `Accept`, it would parse CAP as JSON.
    """
    del caller
    return _cap_response(request, await alerts.one(alert_id), alert_id)


def _cap_response(request: Request, doc: Chain, alert_id: str) -> Response:
    """The message `alert_id` names (the latest for the chain id) as cacheable CAP XML."""
    requested = None if alert_id == doc["_id"] else alert_id
    body = render_cap(cap_alert_of(doc, message_index(doc, requested)))
    return cached_response(request, body, CAP_XML, doc["updated_at"])


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
