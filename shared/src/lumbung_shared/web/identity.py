"""FastAPI side of the gateway's identity header: verify it for this service and this request.

The format and its rules live in `lumbung_shared.identity` (pure); this module only reads the
request. Every service verifies with its own name as the audience and the request's own method
and path, so a header minted for another service or another request is refused with 401.
Object-level and scope authorisation stay in each service.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lumbung_shared.errors import DomainError, ForbiddenError, Message
from lumbung_shared.identity import (
    IDENTITY_HEADER,
    SELLERS,
    Identity,
    InvalidIdentityError,
    Role,
    sign_identity,
    verify_identity,
)

__all__ = [
    "IDENTITY_HEADER",
    "SELLERS",
    "Caller",
    "Identity",
    "InvalidIdentityError",
    "Role",
    "caller",
    "require_roles",
    "sign_identity",
    "verify_identity",
]


def caller(request: Request) -> Identity:
    """FastAPI dependency: the verified caller (anonymous callers included)."""
    secret: bytes = request.app.state.internal_secret
    audience: str = request.app.state.identity_audience
    return verify_identity(
        request.headers.get(IDENTITY_HEADER),
        secret,
        audience=audience,
        method=request.method,
        path=request.url.path,
    )


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
