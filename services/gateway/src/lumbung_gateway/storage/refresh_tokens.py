"""Refresh tokens by hash, grouped in families (one sign-in on one device).

Rotation is a conditional update (`active` → `rotated` only while still active), so of two
requests presenting the same token exactly one wins; the loser is treated as reuse. Expired
tokens are deleted by `purge_expired`, run periodically (FerretDB has no TTL indexes).
"""

from __future__ import annotations

from datetime import datetime

from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_gateway.domain.refresh_tokens import RefreshState, StoredRefreshToken

INDEXES = [
    IndexModel([("family_id", ASCENDING)]),
    IndexModel([("expires_at", ASCENDING)]),
]


class RefreshTokenRepository:
    """Stores only hashes of refresh tokens, never the tokens."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        """Family and expiry indexes (idempotent, FerretDB-safe)."""
        await ensure_indexes(self._collection, INDEXES)

    async def add(
        self,
        token_hash: str,
        family_id: str,
        subject: str,
        expires_at: datetime,
        family_started_at: datetime,
    ) -> None:
        """Store a new active token of a family."""
        await self._collection.insert_one(
            {
                "_id": token_hash,
                "family_id": family_id,
                "subject": subject,
                "state": RefreshState.ACTIVE.value,
                "expires_at": expires_at,
                "family_started_at": family_started_at,
            }
        )

    async def find(self, token_hash: str) -> StoredRefreshToken | None:
        """What is stored for a presented token's hash."""
        doc = await self._collection.find_one({"_id": token_hash})
        if doc is None:
            return None
        return StoredRefreshToken(
            family_id=doc["family_id"],
            subject=doc["subject"],
            state=RefreshState(doc["state"]),
            expires_at=doc["expires_at"],
            family_started_at=doc["family_started_at"],
        )

    async def mark_rotated(self, token_hash: str) -> bool:
        """Retire an active token; False when another request retired it first."""
        result = await self._collection.update_one(
            {"_id": token_hash, "state": RefreshState.ACTIVE.value},
            {"$set": {"state": RefreshState.ROTATED.value}},
        )
        return result.modified_count == 1

    async def revoke_family(self, family_id: str) -> None:
        """End a sign-in: every token of the family stops working."""
        await self._collection.update_many(
            {"family_id": family_id}, {"$set": {"state": RefreshState.REVOKED.value}}
        )

    async def purge_expired(self, now: datetime) -> int:
        """Delete tokens past their expiry; returns how many."""
        result = await self._collection.delete_many({"expires_at": {"$lt": now}})
        return result.deleted_count
