"""Catch supply at risk: which catch listings lie in regencies under an active sea alert.

The alerts this service has heard of are kept in `sea_alerts` (id, regencies, expiry, state),
and each affected listing carries the ids of the alerts that touch it (`risk_alert_ids`) plus a
`supply_at_risk` flag to filter on. Every step is a set-like update (add the id, pull the id),
so a redelivered alert event or a repeated sweep changes nothing. An ended alert stays recorded
as ended, so a late `issued` for it cannot flag listings again: a cancelled or replaced alert
for good, an expired one until an update extends it past the `expires` it ended at (BMKG
extends a warning under the same identifier after it lapsed; a replay carries the old expiry).

The flag moves `updated_at` (phones re-sync the listing) but not the version: it is the
marketplace's note on a listing, not a seller's edit, and must not make their next edit stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from lumbung_shared.clock import utc_now
from lumbung_shared.mongo import Document, ensure_indexes
from lumbung_shared.regions import regency_of
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_listings.domain.vocabulary import Kind

ACTIVE, ENDED = "active", "ended"
ENDED_AT_EXPIRY = "ended_at_expiry"
"""On an alert that ended by expiring: the `expires` it ended at. Absent: ended for good."""


class SupplyRiskRepository:
    """Flags and clears `supply_at_risk` on catch listings from sea-alert events."""

    def __init__(
        self, alerts: AsyncCollection[Document], listings: AsyncCollection[Document]
    ) -> None:
        self._alerts = alerts
        self._listings = listings

    async def ensure_indexes(self) -> None:
        await ensure_indexes(
            self._alerts, [IndexModel([("state", ASCENDING), ("expires", ASCENDING)])]
        )

    async def flag(
        self, alert_id: str, regencies: Sequence[str], expires: datetime, replaces: Sequence[str]
    ) -> None:
        """An alert is issued or updated: flag catch listings of its regencies, now only those."""
        for earlier in replaces:
            if earlier != alert_id:
                await self.clear(earlier)
        codes = sorted(set(regencies))
        still_open = [{"state": {"$ne": ENDED}}, {ENDED_AT_EXPIRY: {"$lt": expires}}]
        try:
            await self._alerts.update_one(
                {"_id": alert_id, "$or": still_open},
                {
                    "$set": {"regency_codes": codes, "expires": expires, "state": ACTIVE},
                    "$unset": {ENDED_AT_EXPIRY: ""},
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return  # the alert has ended already; a late or replayed event changes nothing
        if expires <= datetime.now(UTC):
            await self._end(alert_id, expires)
            return
        now = utc_now()
        await self._listings.update_many(
            {"risk_alert_ids": alert_id, "region_path": {"$nin": codes}},
            {"$pull": {"risk_alert_ids": alert_id}, "$set": {"updated_at": now}},
        )
        await self._listings.update_many(
            {
                "kind": Kind.CATCH.value,
                "region_path": {"$in": codes},
                "deleted": False,
                "risk_alert_ids": {"$ne": alert_id},
            },
            {
                "$addToSet": {"risk_alert_ids": alert_id},
                "$set": {"supply_at_risk": True, "updated_at": now},
            },
        )
        await self._settle_flags()

    async def clear(self, alert_id: str) -> None:
        """An alert is cancelled or replaced: take its id off every listing, for good."""
        await self._end(alert_id, None)

    async def _end(self, alert_id: str, expired: datetime | None) -> None:
        """End the alert (at its expiry, or for good when `expired` is None) and unflag."""
        ending: dict[str, object] = {"$set": {"state": ENDED}}
        if expired is None:
            ending["$unset"] = {ENDED_AT_EXPIRY: ""}
        else:
            ending["$set"] = {"state": ENDED, ENDED_AT_EXPIRY: expired}
        await self._alerts.update_one({"_id": alert_id}, ending, upsert=True)
        await self._listings.update_many(
            {"risk_alert_ids": alert_id},
            {"$pull": {"risk_alert_ids": alert_id}, "$set": {"updated_at": utc_now()}},
        )
        await self._settle_flags()

    async def _settle_flags(self) -> None:
        """Lower the flag on listings that no alert touches any more."""
        await self._listings.update_many(
            {"supply_at_risk": True, "risk_alert_ids": {"$size": 0}},
            {"$set": {"supply_at_risk": False}},
        )

    async def sweep(self) -> int:
        """Clear every alert whose `expires` has passed; returns how many."""
        expired = await self._alerts.find(
            {"state": ACTIVE, "expires": {"$lte": datetime.now(UTC)}}, {"_id": 1, "expires": 1}
        ).to_list(None)
        for alert in expired:
            await self._end(alert["_id"], alert["expires"])
        return len(expired)

    async def active_for(self, kind: str, origin_region: str) -> list[str]:
        """Ids of active alerts that cover a catch listing from `origin_region`."""
        regency = regency_of(origin_region)
        if kind != Kind.CATCH.value or regency is None:
            return []
        found = self._alerts.find(
            {"state": ACTIVE, "regency_codes": regency, "expires": {"$gt": datetime.now(UTC)}},
            {"_id": 1},
        )
        return sorted(doc["_id"] for doc in await found.to_list(None))
