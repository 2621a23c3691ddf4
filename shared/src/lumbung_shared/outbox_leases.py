"""Who may publish an aggregate's outbox right now: one small lease document per aggregate.

The lease used to live on the aggregate's own document, claimed with a filter on `_id`,
`outbox_pending` and the lease fields. FerretDB pushes only an exact `{_id}` filter down to
SQL, so every such claim (and every guarded removal) read and decoded the whole collection in
Go: 47 ms at 300 orders, 150 ms at 1,000, twice per published event, on the process's only
connection. A lease is now a document `{_id: "<collection>:<doc id>", owner, instance,
until}` in `outbox_leases` beside the collection, taken by inserting it: a unique `_id`
insert is atomic on MongoDB and on FerretDB and never scans. Only a lease that is already
there needs a guarded write (the takeover, the release), and those filter this collection,
which holds just the leases in use and is swept of expired ones, so they stay cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

LEASES = "outbox_leases"
DUPLICATE_KEY = 11000

Collection = AsyncCollection[dict[str, Any]]


def lease_id(collection: Collection, doc_id: Any) -> str:
    """The lease's `_id`: a string, so FerretDB can look it up by `_id` alone."""
    return f"{collection.name}:{doc_id}"


class OutboxLeases:
    """Takes, renews and releases one relay's leases; `owner` is this relay's life.

    Takeover: a lease that ran out, or one of our own `instance` from a previous life (a
    restart under the same stable name), is taken over with one `update_one` whose
    filter still requires that condition. On MongoDB that write is atomic per document, so of
    two relays racing to take over the same expired lease exactly one matches; the other sees
    a live lease of another instance and skips the aggregate.
    """

    def __init__(self, owner: str, instance: str, lease: timedelta) -> None:
        self.owner = owner
        self.instance = instance
        self._lease = lease

    def _of(self, collection: Collection) -> Collection:
        return collection.database[LEASES]

    async def take(self, collection: Collection, doc_ids: Sequence[Any]) -> list[Any]:
        """Lease what we can of `doc_ids` (one insert for all); the ids now leased to us."""
        if not doc_ids:
            return []
        now = datetime.now(UTC)
        leases = [self._lease_for(collection, doc_id, now) for doc_id in doc_ids]
        try:
            await self._of(collection).insert_many(leases, ordered=False)
            return list(doc_ids)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                raise
            held = {int(error["index"]) for error in errors}
        taken = [doc_id for n, doc_id in enumerate(doc_ids) if n not in held]
        for n in sorted(held):
            if await self._take_over(collection, leases[n], now):
                taken.append(doc_ids[n])
        return taken

    async def _take_over(
        self, collection: Collection, lease: dict[str, Any], now: datetime
    ) -> bool:
        taken = await self._of(collection).update_one(
            {
                "_id": lease["_id"],
                "$or": [{"until": {"$lt": now}}, {"instance": self.instance}],
            },
            {"$set": {k: v for k, v in lease.items() if k != "_id"}},
        )
        return taken.matched_count == 1

    async def renew(self, collection: Collection, doc_ids: Sequence[Any]) -> set[Any]:
        """Extend the leases still ours; the ids among `doc_ids` that are still ours."""
        if not doc_ids:
            return set()
        by_lease = {lease_id(collection, doc_id): doc_id for doc_id in doc_ids}
        mine = {"_id": {"$in": list(by_lease)}, "owner": self.owner}
        until = datetime.now(UTC) + self._lease
        renewed = await self._of(collection).update_many(mine, {"$set": {"until": until}})
        if renewed.matched_count == len(by_lease):
            return set(doc_ids)
        return {by_lease[doc["_id"]] async for doc in self._of(collection).find(mine, {"_id": 1})}

    async def release(self, collection: Collection, doc_ids: Sequence[Any]) -> None:
        """Drop our leases on `doc_ids`; one that ran out and was taken over stays its holder's."""
        if doc_ids:
            await self._of(collection).delete_many(
                {"_id": {"$in": [lease_id(collection, d) for d in doc_ids]}, "owner": self.owner}
            )

    @staticmethod
    async def sweep(database: AsyncDatabase[dict[str, Any]]) -> int:
        """Delete leases that ran out (a crashed relay's), so the collection stays small.

        Expired leases may be taken over by anyone anyway; deleting one changes nothing but
        the size of what the guarded writes filter.
        """
        swept = await database[LEASES].delete_many({"until": {"$lt": datetime.now(UTC)}})
        return swept.deleted_count

    def _lease_for(self, collection: Collection, doc_id: Any, now: datetime) -> dict[str, Any]:
        return {
            "_id": lease_id(collection, doc_id),
            "owner": self.owner,
            "instance": self.instance,
            "until": now + self._lease,
        }
