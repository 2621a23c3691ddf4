"""Dead letters kept where an operator can find them and replay them, once.

The dead-letter topic alone is a log nobody reads: every consumer also records what it gives
up on in its own service's database (collection `dead_letters`), so the admin API can list
them and replay one to its source topic once its cause is fixed. A replay is claimed with a
conditional update on `replayed_at` (one winner, on MongoDB as on FerretDB with its one
connection per process) and the claim is undone if the publish fails. The consumers' inboxes
make a replayed event harmless to groups that had handled it already, and consumers of other
groups skip it by its `replayed-for-group` header.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_shared.clock import utc_now
from lumbung_shared.errors import ConflictError, DomainError, Message, NotFoundError
from lumbung_shared.mongo import ensure_indexes

REPLAYED_FROM = "replayed-from"
REPLAYED_FOR_GROUP = "replayed-for-group"
MAX_REASON_LENGTH = 1000


@dataclass(frozen=True)
class DeadLetter:
    """One record a consumer group gave up on, as it arrived, with why."""

    id: str
    consumer_group: str
    source_topic: str
    source_partition: int
    source_offset: int
    key: bytes | None
    headers: tuple[tuple[str, str], ...]
    body: bytes
    reason: str
    failed_at: datetime
    replayed_at: datetime | None = None

    @staticmethod
    def id_for(group: str, topic: str, partition: int, offset: int) -> str:
        """The same record failing again (its dead letter not yet published) gets the same id."""
        where = f"{group}|{topic}|{partition}|{offset}".encode()
        return hashlib.sha256(where).hexdigest()[:32]

    @property
    def replayed_from(self) -> str | None:
        """The dead letter this record was a replay of, if it was one."""
        return dict(self.headers).get(REPLAYED_FROM)

    def to_document(self) -> dict[str, Any]:
        return {
            "_id": self.id,
            "consumer_group": self.consumer_group,
            "source_topic": self.source_topic,
            "source_partition": self.source_partition,
            "source_offset": self.source_offset,
            "key": self.key,
            # A list, not a sub-document: header names may hold dots, which field names may not;
            # of documents, not pairs: FerretDB stores no nested arrays.
            "headers": [{"name": name, "value": value} for name, value in self.headers],
            "body": self.body,
            "reason": self.reason[:MAX_REASON_LENGTH],
            "failed_at": self.failed_at,
        }

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> DeadLetter:
        return cls(
            id=doc["_id"],
            consumer_group=doc["consumer_group"],
            source_topic=doc["source_topic"],
            source_partition=doc["source_partition"],
            source_offset=doc["source_offset"],
            key=bytes(doc["key"]) if doc.get("key") is not None else None,
            headers=tuple((str(h["name"]), str(h["value"])) for h in doc["headers"]),
            body=bytes(doc["body"]),
            reason=doc["reason"],
            failed_at=doc["failed_at"],
            replayed_at=doc.get("replayed_at"),
        )


class DeadLetterReplayedError(ConflictError):
    def __init__(self, replayed_at: datetime) -> None:
        super().__init__(
            "dead-letter-replayed",
            Message(
                id="Pesan gagal ini sudah pernah dikirim ulang.",
                en="This dead letter has been replayed already.",
            ),
            replayed_at=replayed_at.isoformat(),
        )


class ReplayUnavailableError(DomainError):
    def __init__(self) -> None:
        super().__init__(
            code="dead-letter-replay-unavailable",
            message=Message(
                id="Pesan gagal tidak dapat dikirim ulang sekarang; coba lagi nanti.",
                en="The dead letter cannot be replayed right now; try again later.",
            ),
            status=503,
        )


def not_found() -> NotFoundError:
    return NotFoundError("Pesan gagal", "Dead letter")


Republish = Callable[[DeadLetter, dict[str, str]], Awaitable[None]]
"""Puts a dead letter's body back on its source topic, same key, with the given headers."""


class DeadLetters:
    """The `dead_letters` collection of one service."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        """For the admin list: newest first, overall and per consumer group."""
        newest = [("failed_at", DESCENDING), ("_id", DESCENDING)]
        await ensure_indexes(
            self._collection, [IndexModel(newest), IndexModel([("consumer_group", 1), *newest])]
        )

    async def record(self, letter: DeadLetter) -> None:
        """Keep `letter`; recording the same record twice keeps the first (a unique `_id`)."""
        with contextlib.suppress(DuplicateKeyError):
            await self._collection.insert_one(letter.to_document())

    async def find(self, letter_id: str) -> DeadLetter | None:
        doc = await self._collection.find_one({"_id": letter_id})
        return DeadLetter.from_document(doc) if doc is not None else None

    async def page(
        self, *, consumer_group: str | None, after: tuple[datetime, str] | None, limit: int
    ) -> list[DeadLetter]:
        """Newest first; `after` is the (failed_at, id) of the last letter of the previous page."""
        query: dict[str, Any] = {}
        if consumer_group is not None:
            query["consumer_group"] = consumer_group
        if after is not None:
            at, letter_id = after
            query["$or"] = [
                {"failed_at": {"$lt": at}},
                {"failed_at": at, "_id": {"$lt": letter_id}},
            ]
        cursor = self._collection.find(query).sort([("failed_at", -1), ("_id", -1)]).limit(limit)
        return [DeadLetter.from_document(doc) async for doc in cursor]

    async def claim_replay(self, letter_id: str, at: datetime) -> DeadLetter | None:
        """Mark `letter_id` replayed at `at` unless it was already; None when it was (or is not)."""
        doc = await self._collection.find_one_and_update(
            {"_id": letter_id, "replayed_at": {"$exists": False}},
            {"$set": {"replayed_at": at}},
            return_document=ReturnDocument.AFTER,
        )
        return DeadLetter.from_document(doc) if doc is not None else None

    async def undo_replay(self, letter_id: str, at: datetime) -> None:
        """Give back the claim made at `at` (only that one) after its publish failed."""
        await self._collection.update_one(
            {"_id": letter_id, "replayed_at": at}, {"$unset": {"replayed_at": ""}}
        )


class ReplayDeadLetter:
    """Replay one dead letter to its source topic, once and only once."""

    def __init__(self, letters: DeadLetters, republish: Republish) -> None:
        self._letters = letters
        self._republish = republish

    async def __call__(self, letter_id: str) -> DeadLetter:
        at = utc_now()
        letter = await self._letters.claim_replay(letter_id, at)
        if letter is None:
            existing = await self._letters.find(letter_id)
            if existing is None:
                raise not_found()
            if existing.replayed_at is None:  # a failed replay gave its claim back meanwhile
                raise ReplayUnavailableError
            raise DeadLetterReplayedError(existing.replayed_at)
        headers = {
            **{name: value for name, value in letter.headers if not name.startswith("dlq-")},
            REPLAYED_FROM: letter.id,
            REPLAYED_FOR_GROUP: letter.consumer_group,
        }
        try:
            await self._republish(letter, headers)
        except Exception:
            await self._letters.undo_replay(letter_id, at)
            raise ReplayUnavailableError from None
        return letter
