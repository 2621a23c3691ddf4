"""Accounts: one per phone number, with its argon2 hash, role and regions.

The phone number is unique (index), so two concurrent sign-ups with one number end with one
account and one `phone-taken` conflict, never two accounts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from lumbung_shared.errors import ConflictError, Message
from lumbung_shared.mongo import Document, ensure_indexes
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from lumbung_gateway.domain.accounts import Account
from lumbung_gateway.domain.roles import Role

INDEXES = [IndexModel([("phone", ASCENDING)], unique=True)]

_PHONE_TAKEN = Message(
    id="Nomor HP ini sudah terdaftar.", en="This phone number is already registered."
)


def _account(doc: Document) -> Account:
    """Read a stored account."""
    return Account(
        id=doc["_id"],
        phone=doc["phone"],
        password_hash=doc["password_hash"],
        display_name=doc["display_name"],
        role=Role(doc["role"]),
        regions=tuple(doc.get("regions", ())),
        created_at=doc["created_at"],
    )


class AccountRepository:
    """Stores accounts in the gateway's own database."""

    def __init__(self, collection: AsyncCollection[Document]) -> None:
        self._collection = collection

    async def ensure_indexes(self) -> None:
        """Create the unique phone index (idempotent, FerretDB-safe)."""
        await ensure_indexes(self._collection, INDEXES)

    async def create(
        self,
        *,
        phone: str,
        password_hash: str,
        display_name: str,
        role: Role,
        regions: tuple[str, ...],
        created_by: str | None,
    ) -> Account:
        """Insert a new account, or raise a 409 `phone-taken` if the number has one."""
        doc: Document = {
            "_id": uuid4().hex,
            "phone": phone,
            "password_hash": password_hash,
            "display_name": display_name,
            "role": role.value,
            "regions": list(regions),
            "created_at": datetime.now(UTC),
            "created_by": created_by,
        }
        try:
            await self._collection.insert_one(doc)
        except DuplicateKeyError:
            raise ConflictError("phone-taken", _PHONE_TAKEN) from None
        return _account(doc)

    async def by_phone(self, phone: str) -> Account | None:
        """The account registered with `phone` (E.164), if any."""
        doc = await self._collection.find_one({"phone": phone})
        return None if doc is None else _account(doc)

    async def by_id(self, account_id: str) -> Account | None:
        """The account with id `account_id`, if any."""
        doc = await self._collection.find_one({"_id": account_id})
        return None if doc is None else _account(doc)

    async def set_password_hash(self, account_id: str, password_hash: str) -> None:
        """Replace the stored hash (re-hash with newer argon2 parameters after a login)."""
        await self._collection.update_one(
            {"_id": account_id}, {"$set": {"password_hash": password_hash}}
        )
