"""Who is calling: an access token, an agency API key, or nobody (anonymous, for public reads).

Every request is then throttled by client address, and authenticated callers also by account,
before anything else happens.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from lumbung_shared.errors import ForbiddenError, Message
from lumbung_shared.identity import Identity, Role
from pydantic import ValidationError

from lumbung_gateway.api.deps import ClientIp, EdgeDep
from lumbung_gateway.domain.errors import AuthenticationError
from lumbung_gateway.domain.rate_limit import LimitScope
from lumbung_gateway.domain.tokens import TokenIssuer

ANONYMOUS = Identity(subject="anonymous", role=Role.ANONYMOUS)
API_KEY_HEADER = "x-api-key"

_TWO_CREDENTIALS = Message(
    id="Gunakan token atau kunci API, bukan keduanya.",
    en="Use either a token or an API key, not both.",
)
_INVALID_TOKEN = Message(
    id="Sesi tidak valid. Silakan masuk kembali.",
    en="Invalid session. Please sign in again.",
)


def sign_in_first() -> AuthenticationError:
    """The 401 for a caller without credentials where an account is needed."""
    return AuthenticationError(
        "unauthenticated", Message(id="Anda perlu masuk terlebih dahulu.", en="Please sign in.")
    )


async def authenticate(request: Request, edge: EdgeDep, ip: ClientIp) -> Identity:
    """The caller from `Authorization: Bearer <jwt>` or `X-API-Key`; 401 for a bad credential."""
    throttle = edge.throttle
    throttle.spend(LimitScope.IP, ip)
    header = request.headers.get("authorization")
    api_key = request.headers.get(API_KEY_HEADER)
    if header is not None and api_key is not None:
        raise AuthenticationError("ambiguous-credentials", _TWO_CREDENTIALS)
    if api_key is not None:
        identity = await edge.api_keys.authenticate(api_key.strip())
    elif header is not None:
        identity = _from_bearer(edge.tokens, header)
    else:
        return ANONYMOUS
    throttle.spend(LimitScope.ACCOUNT, identity.subject)
    return identity


def _from_bearer(tokens: TokenIssuer, header: str) -> Identity:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("invalid-token", _INVALID_TOKEN)
    claims = tokens.verify(token.strip())
    try:
        return Identity(subject=claims.sub, role=claims.role, regions=list(claims.regions))
    except ValidationError:  # signed by us yet unfit to forward (e.g. an over-long subject)
        raise AuthenticationError("invalid-token", _INVALID_TOKEN) from None


Caller = Annotated[Identity, Depends(authenticate)]


async def _signed_in(identity: Caller) -> Identity:
    if identity.role is Role.ANONYMOUS:
        raise sign_in_first()
    return identity


SignedIn = Annotated[Identity, Depends(_signed_in)]


async def _admin(identity: SignedIn) -> Identity:
    if identity.role is not Role.ADMIN:
        raise ForbiddenError
    return identity


Admin = Annotated[Identity, Depends(_admin)]
