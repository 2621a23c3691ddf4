"""Who is calling: a verified access token, or nobody (anonymous, for public reads)."""

from __future__ import annotations

from fastapi import Request
from lumbung_shared.web.identity import Identity, Role

from lumbung_gateway.domain.tokens import TokenIssuer

ANONYMOUS = Identity(subject="anonymous", role=Role.ANONYMOUS)


def authenticate(request: Request) -> Identity:
    """The caller's identity from `Authorization: Bearer <jwt>`; 401 for a bad token."""
    header = request.headers.get("authorization")
    if header is None:
        return ANONYMOUS
    scheme, _, token = header.partition(" ")
    issuer: TokenIssuer = request.state.tokens
    if scheme.lower() != "bearer" or not token:
        issuer.verify("")  # raises the same 401 as any other unusable credential
    claims = issuer.verify(token.strip())
    return Identity(subject=claims.sub, role=Role(claims.role.value), regions=list(claims.regions))
