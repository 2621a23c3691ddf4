"""Reading alerts for the public feeds: pages of the list, one chain, the active set, changes.

Anyone may read them (a warning that only reaches account holders fails the fishers who most
need it), so there is no authorisation here. The page cursor is the (issued_at, id) of the
last item, opaque to clients (`lumbung_shared.cursors`); a cursor that is not one of ours is a
422 `invalid-cursor`, as this API has always answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lumbung_shared.cursors import InvalidCursorError, decode_cursor, encode_cursor

from lumbung_weather_alerts.domain.alert_chain import Chain
from lumbung_weather_alerts.domain.alert_query import AlertQuery, PageKey
from lumbung_weather_alerts.storage.alerts import AlertRepository

MAX_ACTIVE_LISTED = 200


@dataclass(frozen=True)
class AlertPage:
    """One page of chains, newest issued first, and the cursor of the next (None at the end)."""

    items: list[Chain]
    next_cursor: str | None


class ReadAlerts:
    """The read side of alert chains."""

    def __init__(self, alerts: AlertRepository) -> None:
        self._alerts = alerts

    async def page(self, query: AlertQuery, cursor: str | None, limit: int) -> AlertPage:
        """A page of the chains matching `query`, after `cursor`."""
        after = None if cursor is None else _decode(cursor)
        chains = await self._alerts.page(query, after, limit)
        more = len(chains) == limit
        return AlertPage(chains, _encode(chains[-1]) if more else None)

    async def active(self, now: datetime) -> list[Chain]:
        """The chains in force at `now` (bounded), for the Atom index."""
        return await self._alerts.page(AlertQuery(active_at=now), None, MAX_ACTIVE_LISTED)

    async def one(self, alert_id: str) -> Chain:
        """A chain by its id or any of its CAP message identifiers; 404 otherwise."""
        return await self._alerts.get(alert_id)

    async def last_change(self) -> datetime | None:
        """When any alert last changed (the Last-Modified of lists and feeds)."""
        return await self._alerts.last_change()

    async def changed_since(self, since: datetime, regency_prefix: str | None) -> list[Chain]:
        """Chains changed at or after `since`, oldest change first (the SSE stream's source)."""
        return await self._alerts.changed_since(since, regency_prefix)


def _encode(last: Chain) -> str:
    issued_at: datetime = last["issued_at"]
    return encode_cursor({"t": issued_at.isoformat(), "i": last["_id"]})


def _decode(cursor: str) -> PageKey:
    try:
        raw = decode_cursor(cursor)
        moment = datetime.fromisoformat(raw["t"])
        chain_id = raw["i"]
        if not isinstance(chain_id, str) or moment.tzinfo is None:
            raise ValueError("bad cursor")
    except (InvalidCursorError, ValueError, KeyError, TypeError) as exc:
        raise InvalidCursorError from exc
    return PageKey(moment, chain_id)
