"""Finding trips' pre-listings by zone, and remembering which zones are under danger alerts.

`PreListedTrips.in_zone` is a scan on FerretDB (only `{_id}` filters are indexed there): it runs
once per danger alert (and `overdue` once per sweep), not per request, is narrowed to
pre-listed, undeleted listings of the zone, and reads back only the id and vessel class of each.
On MongoDB the status index serves both.

`ZoneDangers` keeps, per sea alert, its zone, the vessel classes it puts in danger and its
expiry, so a trip announced into a zone already under danger is refused instead of waiting for
an alert that was issued before it. An ended alert stays recorded as ended: a late copy of its
`issued` cannot bring it back (the guarded upsert collides on `_id`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from lumbung_shared.mongo import Document
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_listings.domain.lifecycle import Status

ACTIVE, ENDED = "active", "ended"


class PreListedTrips:
    """Read-only queries for trips still at sea."""

    def __init__(self, listings: AsyncCollection[Document]) -> None:
        self._listings = listings

    async def in_zone(self, zone_id: str) -> list[tuple[str, str]]:
        """(listing id, vessel class) of every pre-listed trip fishing `zone_id`."""
        found = self._listings.find(
            {"status": Status.PRE_LISTED.value, "trip.zone_id": zone_id, "deleted": False},
            {"_id": 1, "trip.vessel_class": 1},
        )
        return [(doc["_id"], doc["trip"]["vessel_class"]) for doc in await found.to_list(None)]

    async def overdue(self, landing_before: datetime) -> list[str]:
        """Ids of pre-listed trips expected to land before `landing_before` (a periodic scan)."""
        found = self._listings.find(
            {
                "status": Status.PRE_LISTED.value,
                "trip.expected_landing_at": {"$lt": landing_before},
                "deleted": False,
            },
            {"_id": 1},
        )
        return [doc["_id"] for doc in await found.to_list(None)]


class ZoneDangers:
    """Sea alerts in force per zone, with the vessel classes each puts in danger."""

    def __init__(self, alerts: AsyncCollection[Document]) -> None:
        self._alerts = alerts

    async def record(
        self, alert_id: str, zone_id: str, classes: Iterable[str], expires: datetime
    ) -> bool:
        """An alert is issued or updated; False when it has ended already (and stays ended)."""
        try:
            await self._alerts.update_one(
                {"_id": alert_id, "state": {"$ne": ENDED}},
                {
                    "$set": {
                        "zone_id": zone_id,
                        "danger_classes": sorted(set(classes)),
                        "expires": expires,
                        "state": ACTIVE,
                    }
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    async def end(self, alert_ids: Iterable[str]) -> None:
        """The alerts are cancelled or replaced (recorded as ended even if never seen)."""
        for alert_id in alert_ids:
            await self._alerts.update_one(
                {"_id": alert_id}, {"$set": {"state": ENDED}}, upsert=True
            )

    async def in_force(self, zone_id: str, vessel_class: str, now: datetime) -> list[str]:
        """Ids of unexpired alerts putting `vessel_class` in danger in `zone_id` (a small scan)."""
        found = self._alerts.find(
            {"zone_id": zone_id, "state": ACTIVE, "danger_classes": vessel_class},
            {"_id": 1, "expires": 1},
        )
        return sorted(doc["_id"] for doc in await found.to_list(None) if doc["expires"] > now)
