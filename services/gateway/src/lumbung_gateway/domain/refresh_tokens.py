"""Refresh tokens: opaque, stored hashed, rotated on every use, with reuse detection.

A refresh token lives for days on a phone that may be lost or shared, so it is handled like a
password that changes on every use (OAuth 2.0 Security BCP, section 4.14):

* It is 256 random bits, not a JWT: only the gateway ever reads it, and it can be revoked.
* Only its SHA-256 is stored. The input is already full-entropy random, so a fast unsalted hash
  is enough to make a leaked table useless, and it allows a direct indexed lookup.
* Every successful refresh rotates: the presented token becomes `rotated` and a new token in the
  same *family* (one sign-in on one device) is issued.
* Presenting a token that was already rotated means two parties hold the same token — the user
  and a thief — and we cannot tell which is which, so the whole family is revoked and both must
  sign in again.

Storage must apply a `Rotate` decision as a conditional update (state `active` → `rotated` only
if still `active`); if that update matches nothing, a concurrent request won and the caller must
treat the attempt as reuse. A flaky network that drops the response to a refresh therefore logs
the user out; we accept that over a grace window that would also serve a thief.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from lumbung_shared.errors import Message

from lumbung_gateway.domain.errors import AuthenticationError

DEFAULT_REFRESH_TTL = timedelta(days=30)
# However often it is rotated, a sign-in ends after this; a stolen-and-refreshed family dies too.
DEFAULT_FAMILY_LIFETIME = timedelta(days=90)

_INVALID = Message(
    id="Sesi tidak valid. Silakan masuk kembali.",
    en="Invalid session. Please sign in again.",
)
_REUSED = Message(
    id="Sesi ini telah digunakan di perangkat lain dan sudah diakhiri. Silakan masuk kembali.",
    en="This session was used elsewhere and has been ended. Please sign in again.",
)


def new_refresh_token() -> tuple[str, str]:
    """Return `(plain, sha256_hex)`: give `plain` to the client once, store only the hash."""
    plain = secrets.token_urlsafe(32)
    return plain, hash_refresh_token(plain)


def hash_refresh_token(plain: str) -> str:
    """The lookup key for a presented refresh token."""
    return hashlib.sha256(plain.encode()).hexdigest()


class RefreshState(StrEnum):
    """Life cycle of one stored refresh token."""

    ACTIVE = "active"
    ROTATED = "rotated"
    REVOKED = "revoked"


@dataclass(frozen=True)
class StoredRefreshToken:
    """What storage holds for one refresh token (found by its hash)."""

    family_id: str
    subject: str
    state: RefreshState
    expires_at: datetime
    family_started_at: datetime


@dataclass(frozen=True)
class RefreshPolicy:
    """How long one token and one family (sign-in) may live."""

    ttl: timedelta = DEFAULT_REFRESH_TTL
    family_lifetime: timedelta = DEFAULT_FAMILY_LIFETIME

    def next_expiry(self, family_started_at: datetime, now: datetime) -> datetime:
        """Expiry for the next token in a family: the TTL, but never past the family's end."""
        return min(now + self.ttl, family_started_at + self.family_lifetime)


@dataclass(frozen=True)
class Rotate:
    """Valid: mark the presented token rotated, issue a new one in `family_id` for `subject`."""

    family_id: str
    subject: str


@dataclass(frozen=True)
class RevokeFamily:
    """Reuse detected: revoke every token of `family_id`, then answer with `error`."""

    family_id: str
    subject: str

    @property
    def error(self) -> AuthenticationError:
        """The 401 to answer once the family is revoked."""
        return AuthenticationError("refresh-token-reused", _REUSED)


@dataclass(frozen=True)
class Reject:
    """Unknown, expired or revoked: nothing to change in storage, just answer with `error`."""

    @property
    def error(self) -> AuthenticationError:
        """The 401 to answer; it does not say which of the reasons applied."""
        return AuthenticationError("invalid-refresh-token", _INVALID)


RefreshDecision = Rotate | RevokeFamily | Reject


def decide_refresh(
    stored: StoredRefreshToken | None,
    now: datetime,
    policy: RefreshPolicy | None = None,
) -> RefreshDecision:
    """Decide what presenting a refresh token means, given what storage found for its hash.

    Reuse is checked before expiry: a rotated token replayed after it would have expired still
    shows that it leaked, and the family may still be alive.
    """
    if stored is None:
        return Reject()
    if stored.state is RefreshState.ROTATED:
        return RevokeFamily(family_id=stored.family_id, subject=stored.subject)
    if stored.state is RefreshState.REVOKED:
        return Reject()
    family_end = stored.family_started_at + (policy or RefreshPolicy()).family_lifetime
    if now >= stored.expires_at or now >= family_end:
        return Reject()
    return Rotate(family_id=stored.family_id, subject=stored.subject)
