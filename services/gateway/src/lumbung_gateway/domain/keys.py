"""The HMAC keys that sign access tokens, named by `kid` so they can be rotated without logouts.

Rotation runs in two steps: put a new key first in the setting (it signs from now on) and keep
the old one after it until every token it signed has expired (one access-token TTL), then drop
it. The setting is one string, "kid1:secret1,kid2:secret2", first entry active, because secret
stores and container environments handle one variable better than a list.

Only HS256 is used (the gateway signs and verifies its own tokens), so a secret must carry at
least 256 bits: 32 bytes, e.g. `python -c "import secrets; print(secrets.token_urlsafe(48))"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_SECRET_BYTES = 32
_KID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class KeyConfigError(ValueError):
    """The key setting is unusable; raised at startup, never to a caller."""


@dataclass(frozen=True)
class SigningKey:
    """One HMAC secret and its id; `repr` hides the secret so it never reaches a log."""

    kid: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not _KID.fullmatch(self.kid):
            raise KeyConfigError(f"key id {self.kid!r} must be 1-64 of A-Z a-z 0-9 _ -")
        if len(self.secret) < MIN_SECRET_BYTES:
            raise KeyConfigError(f"secret of key {self.kid!r} is shorter than 32 bytes")


class KeySet:
    """Signing keys by `kid`: the first signs, all of them verify."""

    def __init__(self, keys: Iterable[SigningKey]) -> None:
        ordered = list(keys)
        if not ordered:
            raise KeyConfigError("at least one signing key is required")
        self._by_kid = {key.kid: key for key in ordered}
        if len(self._by_kid) != len(ordered):
            raise KeyConfigError("key ids must be unique")
        self._active = ordered[0]

    @classmethod
    def from_setting(cls, value: str) -> KeySet:
        """Parse "kid1:secret1,kid2:secret2" (first active); secrets may hold ":" but not ","."""
        keys = []
        for entry in value.split(","):
            kid, sep, secret = entry.strip().partition(":")
            if not sep:
                raise KeyConfigError("each key must be written as kid:secret")
            keys.append(SigningKey(kid=kid, secret=secret.encode()))
        return cls(keys)

    @property
    def active(self) -> SigningKey:
        """The key new tokens are signed with."""
        return self._active

    @property
    def kids(self) -> tuple[str, ...]:
        """Every accepted key id, active first."""
        return tuple(self._by_kid)

    def get(self, kid: str) -> SigningKey | None:
        """The key named `kid`, or None if it was never configured or has been retired."""
        return self._by_kid.get(kid)

    def __repr__(self) -> str:
        return f"KeySet(kids={self.kids!r})"
