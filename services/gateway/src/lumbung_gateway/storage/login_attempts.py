"""Failed-login state per phone number, for the lockout rule in `domain.lockout`.

Kept per phone number whether or not an account exists, so the lock behaves the same for
registered and unknown numbers and does not reveal which numbers have accounts. Two concurrent
failures may both read the same state and one count can be lost; the per-phone login rate limit
bounds what that gives an attacker.
"""

from __future__ import annotations

from lumbung_shared.mongo import Document
from pymongo.asynchronous.collection import AsyncCollection

from lumbung_gateway.domain.lockout import LoginAttempts


class LoginAttemptsRepository:
    """Reads and replaces the `LoginAttempts` of one phone number."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def get(self, phone: str) -> LoginAttempts:
        """The stored state, or a clean slate."""
        doc = await self._collection.find_one({"_id": phone})
        if doc is None:
            return LoginAttempts()
        return LoginAttempts(
            failures=tuple(doc.get("failures", ())),
            locked_until=doc.get("locked_until"),
            locks=int(doc.get("locks", 0)),
        )

    async def put(self, phone: str, attempts: LoginAttempts) -> None:
        """Store the new state; a clean slate removes the document."""
        if attempts == LoginAttempts():
            await self._collection.delete_one({"_id": phone})
            return
        await self._collection.replace_one(
            {"_id": phone},
            {
                "failures": list(attempts.failures),
                "locked_until": attempts.locked_until,
                "locks": attempts.locks,
            },
            upsert=True,
        )
