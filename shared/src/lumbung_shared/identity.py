"""The caller's identity as vouched for by the gateway: a short JWT bound to one request.

The gateway authenticates (access token or API key) and tells the service behind it who the
caller is in one header. The header is a JWT (PyJWT, HS256 with a secret only the gateway and
the services hold) and it says not only *who* but *for what*:

- `aud` is the one service it was minted for, so a header captured at listings is refused by
  orders;
- `htm` and `htu` are the request's method and path (as DPoP, RFC 9449, binds its proofs), so a
  header minted for `GET /v1/listings/x` cannot authorise `DELETE /v1/listings/x`;
- `exp` is seconds away, so a captured header is soon worth nothing.

Pure: no FastAPI here, so domain code may use `Identity` and `Role`. The FastAPI dependency that
verifies incoming requests lives in `lumbung_shared.web.identity`.
"""

from __future__ import annotations

import time
import uuid
from enum import StrEnum

import jwt
from pydantic import BaseModel, Field, ValidationError

from lumbung_shared.errors import DomainError, Message

IDENTITY_HEADER = "x-lumbung-identity"
ISSUER = "lumbung-gateway"
TOKEN_TYPE = "lumbung-identity+jwt"  # noqa: S105 -- a JWT `typ`, not a password
LIFETIME_SECONDS = 30
"""Long enough for the gateway to reach the service; a slow upload is verified on arrival."""
LEEWAY_SECONDS = 5
"""Clock skew tolerated between the gateway's and the service's machines."""
MAX_HEADER_LENGTH = 4096
_REQUIRED = ["iss", "aud", "sub", "iat", "exp", "jti", "role", "htm", "htu"]


class Role(StrEnum):
    FARMER = "farmer"
    FISHER = "fisher"
    BUYER = "buyer"
    AGENCY = "agency"
    ADMIN = "admin"
    AGGREGATOR = "aggregator"
    """A cooperative (koperasi), village enterprise (BUMDes), farmers' group or fish collector
    (pengepul) that sells for its member farmers and fishers."""
    ANONYMOUS = "anonymous"


SELLERS = frozenset({Role.FARMER, Role.FISHER})


class Identity(BaseModel):
    """Who is calling: account (or API key) id, role and the regions they act for."""

    subject: str = Field(max_length=64)
    role: Role
    regions: list[str] = Field(default_factory=list, max_length=64)

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


def sign_identity(
    identity: Identity,
    secret: bytes,
    *,
    audience: str,
    method: str,
    path: str,
    now: float | None = None,
) -> str:
    """The header value the gateway sends with `method path` to the service `audience`."""
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": ISSUER,
        "aud": audience,
        "sub": identity.subject,
        "role": identity.role.value,
        "regions": identity.regions,
        "htm": method.upper(),
        "htu": path,
        "iat": issued,
        "exp": issued + LIFETIME_SECONDS,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm="HS256", headers={"typ": TOKEN_TYPE})


def verify_identity(
    header: str | None, secret: bytes, *, audience: str, method: str, path: str
) -> Identity:
    """The identity in `header` if we signed it, for this service and this request; else 401."""
    if not header or len(header) > MAX_HEADER_LENGTH:
        raise InvalidIdentityError
    try:
        if jwt.get_unverified_header(header).get("typ") != TOKEN_TYPE:
            raise InvalidIdentityError
        claims = jwt.decode(
            header,
            secret,
            algorithms=["HS256"],
            audience=audience,
            issuer=ISSUER,
            leeway=LEEWAY_SECONDS,
            options={"require": _REQUIRED, "strict_aud": True},
        )
        if claims["htm"] != method.upper() or claims["htu"] != path:
            raise InvalidIdentityError
        if claims["iat"] > time.time() + LEEWAY_SECONDS:
            raise InvalidIdentityError
        return Identity(subject=claims["sub"], role=claims["role"], regions=claims["regions"])
    except (jwt.PyJWTError, ValidationError, KeyError, TypeError):
        raise InvalidIdentityError from None
