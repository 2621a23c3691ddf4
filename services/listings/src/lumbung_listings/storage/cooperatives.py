"""Cooperative profiles, invitation codes and memberships, each found by its `_id`.

Profiles are keyed by the aggregator's account id, invitations by their code and memberships by
`<aggregator>:<member>`, so every check on the write path is one indexed lookup on FerretDB.
The roster and a member's own memberships are scans (`aggregator_id` / `member_id`): small,
and read only by the people they belong to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lumbung_shared.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

MAX_ROSTER = 1000


class CooperativeRepository:
    """Reads and writes the three small collections of cooperatives."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._profiles = db.cooperatives
        self._invitations = db.cooperative_invitations
        self._memberships = db.cooperative_memberships

    async def profile(self, aggregator_id: str) -> Document | None:
        return await self._profiles.find_one({"_id": aggregator_id})

    async def save_profile(self, aggregator_id: str, fields: Document) -> Document:
        await self._profiles.update_one({"_id": aggregator_id}, {"$set": fields}, upsert=True)
        return {"_id": aggregator_id, **fields}

    async def add_invitation(self, doc: Document) -> bool:
        """Store a new invitation; False when its code is taken (draw another)."""
        try:
            await self._invitations.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def invitation(self, code: str) -> Document | None:
        return await self._invitations.find_one({"_id": code})

    async def use_invitation(self, code: str, member_id: str, now: datetime) -> bool:
        """Mark the code used by `member_id` if nobody used it yet (single use); else False."""
        result = await self._invitations.update_one(
            {"_id": code, "used_by": None}, {"$set": {"used_by": member_id, "used_at": now}}
        )
        return result.modified_count == 1

    async def membership(self, aggregator_id: str, member_id: str) -> Document | None:
        return await self._memberships.find_one({"_id": f"{aggregator_id}:{member_id}"})

    async def save_membership(self, doc: Document) -> None:
        fields = {key: value for key, value in doc.items() if key != "_id"}
        await self._memberships.update_one({"_id": doc["_id"]}, {"$set": fields}, upsert=True)

    async def end_membership(self, membership_id: str, fields: dict[str, Any]) -> None:
        await self._memberships.update_one({"_id": membership_id}, {"$set": fields})

    async def roster(self, aggregator_id: str) -> list[Document]:
        found = self._memberships.find({"aggregator_id": aggregator_id}).sort("joined_at", 1)
        return await found.limit(MAX_ROSTER).to_list(None)

    async def memberships_of(self, member_id: str) -> list[Document]:
        found = self._memberships.find({"member_id": member_id}).sort("joined_at", 1)
        return await found.limit(MAX_ROSTER).to_list(None)
