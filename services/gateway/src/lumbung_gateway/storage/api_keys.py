"""Agency API keys: prefix in clear (indexed, for lookup), SHA-256 of the key, scope, last use."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_gateway.domain.api_keys import ApiKeyNotFoundError, StoredApiKey

INDEXES = [IndexModel([("prefix", ASCENDING)], unique=True)]
LIST_LIMIT = 200


def _api_key(doc: Document) -> StoredApiKey:
    """Read a stored key."""
    return StoredApiKey(
        id=doc["_id"],
        prefix=doc["prefix"],
        hash=doc["hash"],
        account_id=doc["account_id"],
        name=doc["name"],
        regions=tuple(doc["regions"]),
        created_at=doc["created_at"],
        revoked_at=doc.get("revoked_at"),
        last_used_at=doc.get("last_used_at"),
    )


class ApiKeyRepository:
    """Stores agency API keys in the gateway's database."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        """The unique prefix index (idempotent, FerretDB-safe)."""
        await ensure_indexes(self._collection, INDEXES)

    async def add(
        self, prefix: str, key_hash: str, account_id: str, name: str, regions: tuple[str, ...]
    ) -> StoredApiKey:
        """Store a new key's prefix, hash and scope."""
        doc: Document = {
            "_id": uuid4().hex,
            "prefix": prefix,
            "hash": key_hash,
            "account_id": account_id,
            "name": name,
            "regions": list(regions),
            "created_at": datetime.now(UTC),
            "revoked_at": None,
            "last_used_at": None,
        }
        await self._collection.insert_one(doc)
        return _api_key(doc)

    async def active_by_prefix(self, prefix: str) -> StoredApiKey | None:
        """The unrevoked key with this prefix, if any."""
        doc = await self._collection.find_one({"prefix": prefix, "revoked_at": None})
        return None if doc is None else _api_key(doc)

    async def list(self, account_id: str | None = None) -> list[StoredApiKey]:
        """Keys, newest first, optionally of one account (bounded)."""
        query: Document = {} if account_id is None else {"account_id": account_id}
        cursor = self._collection.find(query).sort("created_at", -1).limit(LIST_LIMIT)
        return [_api_key(doc) async for doc in cursor]

    async def revoke(self, key_id: str) -> StoredApiKey:
        """Revoke a key (idempotent: revoking twice keeps the first time)."""
        now = datetime.now(UTC)
        await self._collection.update_one(
            {"_id": key_id, "revoked_at": None}, {"$set": {"revoked_at": now}}
        )
        doc = await self._collection.find_one({"_id": key_id})
        if doc is None:
            raise ApiKeyNotFoundError
        return _api_key(doc)

    async def touch(self, key_id: str, when: datetime) -> None:
        """Record that the key was used."""
        await self._collection.update_one({"_id": key_id}, {"$set": {"last_used_at": when}})
