"""Agency webhook subscriptions: where to POST, for which regencies, signed with which secrets.

Secrets are kept so we can sign (HMAC needs the key itself) and are returned to the agency only
when created or rotated. After a rotation the old secret keeps signing (next to the new one)
until its `retires_at`, so the agency can switch its receiver without missing a message.
Another agency's subscription is "not found", never "forbidden".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

from lumbung_shared.errors import NotFoundError
from lumbung_shared.identity import Identity
from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_weather_alerts.domain.cap import Severity

INDEXES = [
    IndexModel([("regency_prefixes", ASCENDING), ("status", ASCENDING)]),
    IndexModel([("owner", ASCENDING), ("created_at", DESCENDING)]),
]
ACTIVE = "active"
DISABLED = "disabled"
MAX_PER_OWNER = 50


class SubscriptionNotFoundError(NotFoundError):
    def __init__(self) -> None:
        super().__init__("Langganan webhook", "Webhook subscription")


class SubscriptionRepository:
    """Stores subscriptions; every read on behalf of a caller checks ownership."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._collection, INDEXES)

    async def create(
        self,
        owner: Identity,
        *,
        url: str,
        prefixes: list[str],
        min_severity: Severity,
        secret: str,
        now: datetime,
    ) -> Document:
        doc: Document = {
            "_id": f"sub_{uuid4().hex}",
            "owner": owner.subject,
            "url": url,
            "regency_prefixes": sorted(set(prefixes)),
            "min_severity": min_severity.value,
            "secrets": [{"secret": secret, "created_at": now, "retires_at": None}],
            "status": ACTIVE,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        await self._collection.insert_one(doc)
        return doc

    async def count_active(self, owner: Identity) -> int:
        return await self._collection.count_documents({"owner": owner.subject, "status": ACTIVE})

    async def owned(self, subscription_id: str, caller: Identity) -> Document:
        """The caller's subscription (admins see all); 404 for anyone else's."""
        query: Document = {"_id": subscription_id, "status": ACTIVE}
        if not caller.is_admin:
            query["owner"] = caller.subject
        doc = await self._collection.find_one(query)
        if doc is None:
            raise SubscriptionNotFoundError
        return doc

    async def list_owned(self, caller: Identity) -> list[Document]:
        cursor = self._collection.find({"owner": caller.subject, "status": ACTIVE})
        return await cursor.sort("created_at", DESCENDING).limit(MAX_PER_OWNER).to_list(None)

    async def disable(self, subscription_id: str, caller: Identity, now: datetime) -> None:
        """Stop deliveries; the document and its deliveries stay on record (not deleted)."""
        doc = await self.owned(subscription_id, caller)
        await self._collection.update_one(
            {"_id": doc["_id"]},
            {"$set": {"status": DISABLED, "updated_at": now}, "$inc": {"version": 1}},
        )

    async def rotate(
        self, subscription_id: str, caller: Identity, secret: str, now: datetime, overlap: timedelta
    ) -> Document:
        """Sign with `secret` from now on; the current secrets retire after `overlap`."""
        doc = await self.owned(subscription_id, caller)
        retire = now + overlap
        kept = [
            {**s, "retires_at": min(s["retires_at"] or retire, retire)}
            for s in live_secrets(doc, now)
        ]
        secrets = [{"secret": secret, "created_at": now, "retires_at": None}, *kept]
        result = await self._collection.update_one(
            {"_id": doc["_id"], "version": doc["version"]},
            {"$set": {"secrets": secrets, "updated_at": now}, "$inc": {"version": 1}},
        )
        if result.matched_count != 1:
            raise SubscriptionNotFoundError
        return {**doc, "secrets": secrets}

    async def get(self, subscription_id: str) -> Document | None:
        """For the delivery worker (no caller): any subscription by id."""
        return await self._collection.find_one({"_id": subscription_id})

    async def covering(self, regency_path: list[str]) -> list[Document]:
        """Active subscriptions with a prefix among the alert's regency prefixes."""
        cursor = self._collection.find(
            {"regency_prefixes": {"$in": regency_path}, "status": ACTIVE}
        )
        return await cursor.to_list(None)


def live_secrets(doc: Document, now: datetime) -> list[Document]:
    """Secrets that still sign: the current one and any rotated out less than `overlap` ago."""
    return [s for s in doc["secrets"] if s["retires_at"] is None or s["retires_at"] > now]
