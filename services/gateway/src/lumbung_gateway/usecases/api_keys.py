"""Agency API keys: issued by an admin to an agency account, used by the agency's systems.

A request with `X-API-Key` acts as the agency account, with the key's regions as its scope, so
what a key may read is never wider than what the admin granted to that key. The last-used time
is written at most once a minute per key and gateway instance, so a busy integration does not
turn every read into a write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from lumbung_shared.errors import Message
from lumbung_shared.identity import Identity

from lumbung_gateway.domain.accounts import AccountNotFoundError
from lumbung_gateway.domain.api_keys import (
    ApiKeyScope,
    StoredApiKey,
    api_key_prefix,
    authenticate_api_key,
    new_api_key,
)
from lumbung_gateway.domain.errors import InvalidInputError
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.storage.accounts import AccountRepository
from lumbung_gateway.storage.api_keys import ApiKeyRepository

TOUCH_EVERY_SECONDS = 60.0
_TOUCHED_MEMORY = 10_000

_NOT_AGENCY = Message(
    id="Kunci API hanya untuk akun dinas (agency).",
    en="API keys are only issued to agency accounts.",
)


@dataclass(frozen=True)
class IssuedApiKey:
    """A new key: `plain` is shown once and never stored."""

    plain: str
    stored: StoredApiKey


class ApiKeys:
    """Issue, list, revoke and authenticate agency API keys."""

    def __init__(self, keys: ApiKeyRepository, accounts: AccountRepository) -> None:
        self._keys = keys
        self._accounts = accounts
        self._touched: dict[str, float] = {}

    async def issue(self, account_id: str, name: str, regions: list[str]) -> IssuedApiKey:
        """A key for an agency account (404 if there is none), scoped to provinces/regencies
        (422 for another role or scope)."""
        account = await self._accounts.by_id(account_id)
        if account is None:
            raise AccountNotFoundError
        if account.role is not Role.AGENCY:
            raise InvalidInputError("not-an-agency", _NOT_AGENCY)
        scope = ApiKeyScope.of(regions)
        plain, prefix, key_hash = new_api_key()
        stored = await self._keys.add(prefix, key_hash, account.id, name.strip(), scope.regions)
        return IssuedApiKey(plain=plain, stored=stored)

    async def list(self, account_id: str | None) -> list[StoredApiKey]:
        """Keys without their secrets."""
        return await self._keys.list(account_id)

    async def revoke(self, key_id: str) -> StoredApiKey:
        """Stop a key from working from the next request on."""
        return await self._keys.revoke(key_id)

    async def authenticate(self, plain: str) -> Identity:
        """The agency identity a presented key stands for; 401 `invalid-api-key` otherwise."""
        prefix = api_key_prefix(plain)
        stored = await self._keys.active_by_prefix(prefix)
        authenticate_api_key(plain, None if stored is None else stored.hash)
        assert stored is not None  # authenticate_api_key refused unknown prefixes
        await self._touch(stored.id)
        return Identity(subject=stored.account_id, role=Role.AGENCY, regions=list(stored.regions))

    async def _touch(self, key_id: str) -> None:
        now = time.monotonic()
        if now - self._touched.get(key_id, -TOUCH_EVERY_SECONDS) < TOUCH_EVERY_SECONDS:
            return
        if len(self._touched) >= _TOUCHED_MEMORY:
            self._touched.clear()
        self._touched[key_id] = now
        await self._keys.touch(key_id, datetime.now(UTC))
