"""Sign in, refresh and sign out: the session side of the gateway.

A session is an access token (JWT, minutes) plus a refresh token (opaque, days, rotating). The
access token is stateless, so signing out ends the refresh family and the access token simply
runs out within its short lifetime.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from lumbung_shared.errors import Message

from lumbung_gateway.domain.accounts import Account
from lumbung_gateway.domain.errors import AuthenticationError
from lumbung_gateway.domain.lockout import LoginBackoff
from lumbung_gateway.domain.passwords import PasswordHashing
from lumbung_gateway.domain.phones import normalise_phone
from lumbung_gateway.domain.refresh_tokens import (
    RefreshPolicy,
    Reject,
    RevokeFamily,
    decide_refresh,
    hash_refresh_token,
    new_refresh_token,
)
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.storage.accounts import AccountRepository
from lumbung_gateway.storage.login_attempts import LoginAttemptsRepository
from lumbung_gateway.storage.refresh_tokens import RefreshTokenRepository

_BAD_LOGIN = Message(id="Nomor HP atau kata sandi salah.", en="Wrong phone number or password.")


@dataclass(frozen=True)
class Session:
    """What a successful sign-in or refresh hands the client."""

    access_token: str
    refresh_token: str
    expires_in: int
    account: Account


class Sessions:
    """Sign in, refresh and sign out: passwords, lockout and token families together."""

    def __init__(
        self,
        *,
        accounts: AccountRepository,
        attempts: LoginAttemptsRepository,
        refresh_tokens: RefreshTokenRepository,
        hashing: PasswordHashing,
        issuer: TokenIssuer,
        access_ttl: timedelta,
        refresh_policy: RefreshPolicy,
    ) -> None:
        self._accounts = accounts
        self._attempts = attempts
        self._refresh_tokens = refresh_tokens
        self._hashing = hashing
        self._issuer = issuer
        self._access_ttl = access_ttl
        self._policy = refresh_policy
        self._backoff = LoginBackoff()

    async def login(self, raw_phone: str, password: str) -> Session:
        """Check lock, then password; count failures; start a new token family on success."""
        phone = normalise_phone(raw_phone)
        now = datetime.now(UTC)
        attempts = await self._attempts.get(phone)
        self._backoff.check(attempts, now)
        account = await self._accounts.by_phone(phone)
        if not await self._password_matches(account, password) or account is None:
            await self._attempts.put(phone, self._backoff.record_failure(attempts, now))
            raise AuthenticationError("invalid-credentials", _BAD_LOGIN)
        if attempts != self._backoff.record_success():
            await self._attempts.put(phone, self._backoff.record_success())
        if self._hashing.needs_rehash(account.password_hash):
            new_hash = await asyncio.to_thread(self._hashing.hash, password)
            await self._accounts.set_password_hash(account.id, new_hash)
        return await self._start(account, family_id=uuid4().hex, family_started_at=now, now=now)

    async def refresh(self, plain: str) -> Session:
        """Rotate a refresh token; a replayed one ends its whole family (reuse detection)."""
        now = datetime.now(UTC)
        token_hash = hash_refresh_token(plain)
        stored = await self._refresh_tokens.find(token_hash)
        decision = decide_refresh(stored, now, self._policy)
        if isinstance(decision, Reject):
            raise decision.error
        if isinstance(decision, RevokeFamily) or not await self._refresh_tokens.mark_rotated(
            token_hash
        ):
            await self._refresh_tokens.revoke_family(decision.family_id)
            raise RevokeFamily(decision.family_id, decision.subject).error
        assert stored is not None  # a Rotate decision is only made for a stored token
        account = await self._accounts.by_id(decision.subject)
        if account is None:
            await self._refresh_tokens.revoke_family(decision.family_id)
            raise Reject().error
        return await self._start(account, decision.family_id, stored.family_started_at, now)

    async def logout(self, plain: str) -> None:
        """End the sign-in the refresh token belongs to; unknown tokens change nothing."""
        stored = await self._refresh_tokens.find(hash_refresh_token(plain))
        if stored is not None:
            await self._refresh_tokens.revoke_family(stored.family_id)

    async def _password_matches(self, account: Account | None, password: str) -> bool:
        """argon2 in a worker thread (tens of ms); unknown accounts cost the same work."""
        if account is None:
            return await asyncio.to_thread(self._hashing.verify_dummy, password)
        return await asyncio.to_thread(self._hashing.verify, account.password_hash, password)

    async def _start(
        self, account: Account, family_id: str, family_started_at: datetime, now: datetime
    ) -> Session:
        plain, token_hash = new_refresh_token()
        expires_at = self._policy.next_expiry(family_started_at, now)
        await self._refresh_tokens.add(
            token_hash, family_id, account.id, expires_at, family_started_at
        )
        access = self._issuer.issue(account.id, account.role, account.regions, now=now)
        return Session(
            access_token=access,
            refresh_token=plain,
            expires_in=int(self._access_ttl.total_seconds()),
            account=account,
        )
