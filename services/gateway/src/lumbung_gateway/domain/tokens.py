"""Short-lived access tokens (JWT, HS256) that every service trusts for who and where a caller is.

The gateway both signs and verifies, so a shared-secret HMAC is enough and avoids key-pair
plumbing. Verification is deliberately narrow: exactly one algorithm (so `alg: none` and the
RS256/HS256 confusion trick cannot work), a `kid` that must name a configured key (no fallback
to "try every key"), `typ: at+jwt` (RFC 9068, so no other JWT signed with the same key passes as
an access token), the expected issuer and audience, and all time claims present.

Time claims are checked here against the `now` the caller passes (defaulting to the wall clock)
rather than inside PyJWT, so expiry is testable without sleeping or patching the clock. Checks
run only after the signature is verified, so a forger never learns more than "invalid".

A phone sends the same token with every request for its whole life, and checking its
signature and claims costs ~0.1 ms, the largest single step of a proxied request after the
HTTP work (py-spy, issue 13). So the claims of a token that passed are kept, keyed by the whole
token text, for at most `VERIFIED_CACHE_SIZE` tokens: a repeat skips the signature, never the
time checks, which run against `now` on every call. Only verified tokens are kept (a forged or
expired one is checked in full each time), and the key set is fixed for the process's life,
so nothing kept can outlive the key that signed it.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from lumbung_shared.errors import Message
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from lumbung_gateway.domain.errors import AuthenticationError
from lumbung_gateway.domain.keys import KeySet, SigningKey
from lumbung_gateway.domain.roles import ACCOUNT_ROLES, Role

__all__ = ["ALGORITHM", "HEADER_TYP", "AccessClaims", "KeySet", "SigningKey", "TokenIssuer"]

ALGORITHM = "HS256"
HEADER_TYP = "at+jwt"
DEFAULT_TTL = timedelta(minutes=15)
# Covers clock skew between gateway replicas; short enough not to extend a stolen token usefully.
DEFAULT_LEEWAY = timedelta(seconds=30)
# No legitimate token comes near this; refusing early keeps hostile input cheap.
_MAX_TOKEN_LENGTH = 8192
_REQUIRED_CLAIMS = ["sub", "iss", "aud", "iat", "nbf", "exp", "jti"]
VERIFIED_CACHE_SIZE = 10_000

_INVALID = Message(
    id="Sesi tidak valid. Silakan masuk kembali.",
    en="Invalid session. Please sign in again.",
)
_EXPIRED = Message(
    id="Sesi Anda telah berakhir. Silakan masuk kembali.",
    en="Your session has expired. Please sign in again.",
)


class AccessClaims(BaseModel):
    """The verified contents of an access token; anything not matching exactly is refused."""

    model_config = ConfigDict(frozen=True)

    sub: StrictStr = Field(min_length=1)
    role: Role
    regions: tuple[StrictStr, ...]
    iss: StrictStr
    aud: StrictStr
    iat: StrictInt
    nbf: StrictInt
    exp: StrictInt
    jti: StrictStr

    @field_validator("role")
    @classmethod
    def _account_role(cls, role: Role) -> Role:
        """A token always names an account's role; "anonymous" is the absence of a token."""
        if role not in ACCOUNT_ROLES:
            raise ValueError("not an account role")
        return role


class TokenIssuer:
    """Issue and verify access tokens for one issuer/audience pair with one key set."""

    def __init__(
        self,
        keys: KeySet,
        issuer: str,
        audience: str,
        ttl: timedelta = DEFAULT_TTL,
        leeway: timedelta = DEFAULT_LEEWAY,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl
        self._leeway_seconds = int(leeway.total_seconds())
        self._verified: OrderedDict[str, AccessClaims] = OrderedDict()

    def issue(
        self,
        subject: str,
        role: Role,
        regions: Sequence[str] = (),
        now: datetime | None = None,
    ) -> str:
        """Sign a token for `subject` with the active key, valid from `now` for the TTL."""
        if role not in ACCOUNT_ROLES:
            raise ValueError(f"{role!r} is not an account role")
        issued_at = _epoch(now)
        claims: dict[str, Any] = {
            "sub": subject,
            "role": role.value,
            "regions": list(regions),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + int(self._ttl.total_seconds()),
            "jti": secrets.token_urlsafe(16),
        }
        key = self._keys.active
        headers = {"kid": key.kid, "typ": HEADER_TYP}
        return jwt.encode(claims, key.secret, algorithm=ALGORITHM, headers=headers)

    def verify(self, token: str, now: datetime | None = None) -> AccessClaims:
        """Return the claims of a valid token, or raise a 401 `invalid-token`/`token-expired`."""
        known = self._verified.get(token)
        claims = known or self._decode(token, self._key_for(token))
        self._check_times(claims, _epoch(now))
        if known is None:
            self._verified[token] = claims
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)  # the oldest first: tokens live minutes
        return claims

    def _key_for(self, token: str) -> SigningKey:
        """Pick the verification key from the header, refusing anything we did not sign."""
        if len(token) > _MAX_TOKEN_LENGTH:
            raise _invalid()
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid() from None
        kid = header.get("kid")
        if header.get("alg") != ALGORITHM or header.get("typ") != HEADER_TYP:
            raise _invalid()
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise _invalid()
        return key

    def _decode(self, token: str, key: SigningKey) -> AccessClaims:
        """Verify signature, issuer and audience with PyJWT, then the claim shapes with pydantic."""
        try:
            payload = jwt.decode(
                token,
                key.secret,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                audience=self._audience,
                options={
                    "require": _REQUIRED_CLAIMS,
                    # Checked by _check_times against the caller's `now`, after the signature.
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
            return AccessClaims.model_validate(payload)
        except (jwt.PyJWTError, ValidationError):
            raise _invalid() from None

    def _check_times(self, claims: AccessClaims, now: int) -> None:
        leeway = self._leeway_seconds
        if claims.nbf > now + leeway or claims.iat > now + leeway:
            raise _invalid()
        if now >= claims.exp + leeway:
            raise AuthenticationError("token-expired", _EXPIRED)


def _epoch(now: datetime | None) -> int:
    """Whole seconds since the epoch; naive datetimes are refused as they mean local time."""
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return int(moment.timestamp())


def _invalid() -> AuthenticationError:
    return AuthenticationError("invalid-token", _INVALID)
