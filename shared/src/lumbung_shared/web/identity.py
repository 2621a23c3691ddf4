"""The caller's identity as vouched for by the gateway: signed, short-lived, checked everywhere.

The gateway authenticates (JWT or API key) and forwards who the caller is in one header, signed
with a secret only it and the services know. A service reached directly, around the gateway,
sees no valid signature and refuses. Object-level authorisation stays in each service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel, Field, ValidationError

from lumbung_shared.errors import DomainError, ForbiddenError, Message

IDENTITY_HEADER = "x-lumbung-identity"
MAX_AGE_SECONDS = 120


class Role(StrEnum):
    FARMER = "farmer"
    FISHER = "fisher"
    BUYER = "buyer"
    AGENCY = "agency"
    ADMIN = "admin"
    ANONYMOUS = "anonymous"


SELLERS = frozenset({Role.FARMER, Role.FISHER})


class Identity(BaseModel):
    """Who is calling: account (or API key) id, role and the regions they act for."""

    subject: str = Field(max_length=64)
    role: Role
    regions: list[str] = Field(default_factory=list, max_length=64)
    issued_at: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_seller(self) -> bool:
        return self.role in SELLERS


class InvalidIdentityError(DomainError):
    def __init__(self) -> None:
        super().__init__(
            code="gateway-signature-required",
            message=Message(
                id="Permintaan harus melalui gateway Lumbung.",
                en="Requests must come through the Lumbung gateway.",
            ),
            status=401,
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_identity(identity: Identity, secret: bytes) -> str:
    """`<payload>.<hmac>`: what the gateway puts in the identity header."""
    stamped = identity.model_copy(update={"issued_at": int(time.time())})
    payload = _b64(stamped.model_dump_json().encode())
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def verify_identity(header: str | None, secret: bytes, now: float | None = None) -> Identity:
    """The identity in a header, if its signature is ours and it is fresh; else 401."""
    if not header or header.count(".") != 1 or len(header) > 4096:
        raise InvalidIdentityError
    payload, mac = header.split(".")
    expected = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    try:
        valid = hmac.compare_digest(expected, _unb64(mac))
        identity = Identity.model_validate(json.loads(_unb64(payload))) if valid else None
    except (ValueError, ValidationError):
        identity = None
    current = time.time() if now is None else now
    if identity is None or abs(current - identity.issued_at) > MAX_AGE_SECONDS:
        raise InvalidIdentityError
    return identity


def caller(request: Request) -> Identity:
    """FastAPI dependency: the verified caller (anonymous callers included)."""
    secret: bytes = request.app.state.internal_secret
    return verify_identity(request.headers.get(IDENTITY_HEADER), secret)


Caller = Annotated[Identity, Depends(caller)]


def require_roles(*roles: Role) -> object:
    """Dependency factory: refuse callers whose role is not listed."""

    def check(identity: Caller) -> Identity:
        if identity.role is Role.ANONYMOUS:
            raise DomainError(
                code="unauthenticated",
                message=Message(id="Anda perlu masuk terlebih dahulu.", en="Please sign in."),
                status=401,
            )
        if identity.role not in roles:
            raise ForbiddenError
        return identity

    return Depends(check)
