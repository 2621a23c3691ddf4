"""Register accounts and look them up: sign-up, admin-made accounts and `/me`.

The phone, password and region rules are applied once, in `NewAccount.of`, whoever registers;
the password is stored only as an argon2 hash, computed off the event loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from lumbung_gateway.domain.accounts import Account, AccountNotFoundError
from lumbung_gateway.domain.passwords import PasswordHashing, check_password_policy
from lumbung_gateway.domain.phones import normalise_phone
from lumbung_gateway.domain.regions import check_region
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.storage.accounts import AccountRepository


@dataclass(frozen=True)
class NewAccount:
    """Validated sign-up input (phone already normalised, password checked)."""

    phone: str
    password: str
    display_name: str
    role: Role
    regions: tuple[str, ...]

    @classmethod
    def of(
        cls, phone: str, password: str, display_name: str, role: Role, regions: tuple[str, ...]
    ) -> NewAccount:
        """Apply the phone, password and region rules; 422 on the first that fails."""
        normalised = normalise_phone(phone)
        check_password_policy(password, (normalised, display_name))
        return cls(
            phone=normalised,
            password=password,
            display_name=display_name.strip(),
            role=role,
            regions=tuple(check_region(code) for code in regions),
        )


class Accounts:
    """Register and read accounts."""

    def __init__(self, accounts: AccountRepository, hashing: PasswordHashing) -> None:
        self._accounts = accounts
        self._hashing = hashing

    async def register(self, new: NewAccount, created_by: str | None = None) -> Account:
        """Store the account with an argon2 hash of its password; 409 if the phone is taken."""
        return await self._accounts.create(
            phone=new.phone,
            password_hash=await asyncio.to_thread(self._hashing.hash, new.password),
            display_name=new.display_name,
            role=new.role,
            regions=new.regions,
            created_by=created_by,
        )

    async def get(self, account_id: str) -> Account:
        """The account with this id; 404 if there is none."""
        account = await self._accounts.by_id(account_id)
        if account is None:
            raise AccountNotFoundError
        return account

    async def exists(self, phone: str) -> bool:
        """Whether an account holds this (normalised) phone number."""
        return await self._accounts.by_phone(phone) is not None
