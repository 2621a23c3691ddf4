"""API keys for government agencies' systems, scoped to the regions they are responsible for.

A key looks like `lmb_<prefix>_<secret>`:

* `lmb_` makes a leaked key recognisable to secret scanners and to people reading logs.
* `<prefix>` (12 hex characters, 48 bits) is stored in clear and indexed, so verification is one
  lookup instead of hashing against every key; it may appear in logs and admin screens.
* `<secret>` (256 random bits) is never stored: only SHA-256 of the whole key is. Like refresh
  tokens, the input is full-entropy random, so a fast hash is as safe as a slow one here.

Hashes are compared with `hmac.compare_digest` so response timing does not reveal how much of a
guessed key was right.

A scope lists Kemendagri region codes ("33" = Central Java, "33.74" = Semarang city) and covers
a region when the region is that code or lies inside it, compared segment by segment so "33.7"
can never cover "33.74".
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from lumbung_shared.errors import Message, NotFoundError
from lumbung_shared.regions import covered_by

from lumbung_gateway.domain.errors import AuthenticationError, InvalidInputError

KEY_MARKER = "lmb"
_PREFIX_BYTES = 6
_SECRET_BYTES = 32
_KEY_SHAPE = re.compile(r"lmb_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
# Province "33" or regency/city "33.74": agencies are scoped no finer than a regency.
_SCOPE_CODE = re.compile(r"[0-9]{2}(\.[0-9]{2})?")

_INVALID_KEY = Message(id="Kunci API tidak valid.", en="Invalid API key.")


class NewApiKey(NamedTuple):
    """A new key: show `plain` once to the agency, store `prefix` and `hash`."""

    plain: str
    prefix: str
    hash: str


def new_api_key() -> NewApiKey:
    """Create a random key; unpacks as `(plain, prefix, hash)`."""
    prefix = secrets.token_hex(_PREFIX_BYTES)
    plain = f"{KEY_MARKER}_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    return NewApiKey(plain=plain, prefix=prefix, hash=hash_api_key(plain))


def hash_api_key(plain: str) -> str:
    """SHA-256 of the whole key, hex; what storage keeps."""
    return hashlib.sha256(plain.encode()).hexdigest()


def api_key_prefix(plain: str) -> str:
    """The lookup prefix of a presented key, or a 401 `invalid-api-key` if it is malformed."""
    match = _KEY_SHAPE.fullmatch(plain)
    if match is None:
        raise AuthenticationError("invalid-api-key", _INVALID_KEY)
    return match.group(1)


def verify_api_key(plain: str, stored_hash: str) -> bool:
    """Whether `plain` is the key whose hash storage holds, compared in constant time."""
    return hmac.compare_digest(hash_api_key(plain).encode(), stored_hash.encode())


def authenticate_api_key(plain: str, stored_hash: str | None) -> None:
    """Raise a 401 `invalid-api-key` unless `plain` matches `stored_hash` (None: prefix unknown).

    An unknown prefix still costs one hash and comparison, so timing does not tell a prober
    which prefixes exist.
    """
    expected = stored_hash if stored_hash is not None else "0" * 64
    if not verify_api_key(plain, expected) or stored_hash is None:
        raise AuthenticationError("invalid-api-key", _INVALID_KEY)


@dataclass(frozen=True)
class ApiKeyScope:
    """The regions one key may read; empty covers nothing."""

    regions: tuple[str, ...]

    @classmethod
    def of(cls, codes: Iterable[str]) -> ApiKeyScope:
        """Validate codes ("33", "33.74") given by an admin, refusing others with a 422."""
        regions = tuple(codes)
        for code in regions:
            if not _SCOPE_CODE.fullmatch(code):
                raise InvalidInputError(
                    "invalid-region-scope",
                    Message(
                        id=f"Kode wilayah {code!r} tidak valid; gunakan provinsi (33) "
                        "atau kabupaten/kota (33.74).",
                        en=f"Region code {code!r} is invalid; use a province (33) "
                        "or regency/city (33.74).",
                    ),
                )
        return cls(regions=regions)

    def covers(self, region_code: str) -> bool:
        """Whether `region_code` (any depth, e.g. "33.74.01.1001") lies inside this scope."""
        return covered_by(region_code, self.regions)


@dataclass(frozen=True)
class StoredApiKey:
    """One key as storage holds it (the secret itself is never stored)."""

    id: str
    prefix: str
    hash: str
    account_id: str
    name: str
    regions: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyNotFoundError(NotFoundError):
    """No such key (or not one the caller may see)."""

    def __init__(self) -> None:
        super().__init__("Kunci API", "API key")
