"""Wire models of the gateway's own routes; bounded so hostile input stays cheap."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, cast

from lumbung_shared.text import SafeLine
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from lumbung_gateway.domain.accounts import Account
from lumbung_gateway.domain.api_keys import StoredApiKey
from lumbung_gateway.domain.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    NOT_ONLY_DIGITS,
)
from lumbung_gateway.domain.phones import PHONE_PATTERN
from lumbung_gateway.domain.regions import REGION_PATTERN
from lumbung_gateway.usecases.sessions import Session

Phone = Field(
    min_length=1,
    max_length=32,
    examples=["0812-3456-7890"],
    # Documented, not enforced here: `normalise_phone` refuses with its own `invalid-phone`.
    json_schema_extra={"pattern": PHONE_PATTERN},
)
Password = Field(min_length=1, max_length=128, examples=["kebun-bawang-merah-2024"])
NewPassword = Field(
    min_length=MIN_PASSWORD_LENGTH,
    max_length=MAX_PASSWORD_LENGTH,
    examples=["kebun-bawang-merah-2024"],
    description=(
        "Not digits only (of any script), and hard to guess: zxcvbn score 3 of 4 on the first"
        " 72 characters, with the phone number and name counted as known words. 422"
        " `weak-password` otherwise; the `password` format names that estimate, which no"
        " pattern can state."
    ),
    # Documented, not enforced here: `check_password_policy` refuses with `weak-password`.
    json_schema_extra={"format": "password", "pattern": NOT_ONLY_DIGITS},
)
DisplayName = Field(
    min_length=1,
    max_length=80,
    pattern=r"\S",
    examples=["Siti Rahayu"],
)
"""A `SafeLine` (it names its rule, the `safe-text` format, in the schema) with something in it."""
Region = Field(pattern=REGION_PATTERN, examples=["63.08"])
RegionCode = Annotated[str, Field(pattern=REGION_PATTERN, examples=["63.08"])]
ScopeCode = Annotated[str, Field(pattern=r"^[0-9]{2}(\.[0-9]{2})?$", examples=["33.74"])]
"""A province (`33`) or regency/city (`33.74`): the depth an API key is scoped to."""
AccountRole = Literal["farmer", "fisher", "buyer", "aggregator", "agency", "admin"]
ACCOUNT_EXAMPLE: JsonDict = {
    "id": "5f0c6d3b9a2e4f1c8b7a6d5e4f3c2b1a",
    "phone": "+6281234567890",
    "display_name": "Siti Rahayu",
    "role": "farmer",
    "regions": ["63.08"],
    "created_at": "2026-03-01T08:00:00Z",
}
KEY_EXAMPLE: JsonDict = {
    "id": "0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a",
    "prefix": "8f3a2c4b1d09",
    "account_id": "5f0c6d3b9a2e4f1c8b7a6d5e4f3c2b1a",
    "name": "BPBD Kalimantan Selatan feed",
    "regions": ["63"],
    "created_at": "2026-03-01T08:00:00Z",
    "revoked_at": None,
    "last_used_at": None,
}


def _examples(*examples: JsonDict) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class RegisterRequest(BaseModel):
    """Public sign-up: farmers, fishers, buyers and aggregators (cooperatives, collectors)."""

    model_config = _examples(
        {
            "phone": "0812-3456-7890",
            "password": "kebun-bawang-merah-2024",
            "display_name": "Siti Rahayu",
            "role": "farmer",
            "home_region": "63.08",
        }
    )

    phone: str = Phone
    password: str = NewPassword
    display_name: SafeLine = DisplayName
    role: Literal["farmer", "fisher", "buyer", "aggregator"]
    home_region: str = Region


class AdminAccountRequest(BaseModel):
    """An account created by an admin, of any role (agency and admin only this way)."""

    model_config = _examples(
        {
            "phone": "0813-5000-1234",
            "password": "dinas-perikanan-kalsel",
            "display_name": "Dinas Perikanan Kalimantan Selatan",
            "role": "agency",
            "regions": ["63"],
        }
    )

    phone: str = Phone
    password: str = NewPassword
    display_name: SafeLine = DisplayName
    role: AccountRole
    regions: list[RegionCode] = Field(min_length=1, max_length=64)


class LoginRequest(BaseModel):
    """Phone number (any common spelling) and password."""

    model_config = _examples({"phone": "0812-3456-7890", "password": "kebun-bawang-merah-2024"})

    phone: str = Phone
    password: str = Password


class RefreshRequest(BaseModel):
    """A refresh token from the last sign-in or refresh."""

    model_config = _examples({"refresh_token": "q2-Xb9kP0sYlq4Wc7VnA1eZ8uJ5mRtDhG3fK6sL9wQ"})

    refresh_token: str = Field(min_length=1, max_length=256)


class AccountView(BaseModel):
    """An account as its owner and admins see it (never the password hash)."""

    model_config = _examples(ACCOUNT_EXAMPLE)

    id: str
    phone: str = Field(description="E.164, e.g. `+6281234567890`.")
    display_name: str
    role: AccountRole
    regions: list[str]
    created_at: datetime

    @classmethod
    def of(cls, account: Account) -> AccountView:
        """From the stored account."""
        return cls(
            id=account.id,
            phone=account.phone,
            display_name=account.display_name,
            role=cast(AccountRole, account.role.value),
            regions=list(account.regions),
            created_at=account.created_at,
        )


class TokenView(BaseModel):
    """A new session: send `access_token` as Bearer; keep `refresh_token` secret."""

    model_config = _examples(
        {
            "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiI1ZjBj...",
            "token_type": "Bearer",
            "expires_in": 900,
            "refresh_token": "q2-Xb9kP0sYlq4Wc7VnA1eZ8uJ5mRtDhG3fK6sL9wQ",
            "account": ACCOUNT_EXAMPLE,
        }
    )

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105  (OAuth token type, not a secret)
    expires_in: int = Field(description="Seconds the access token is valid for.")
    refresh_token: str
    account: AccountView

    @classmethod
    def of(cls, session: Session) -> TokenView:
        """From a session."""
        return cls(
            access_token=session.access_token,
            expires_in=session.expires_in,
            refresh_token=session.refresh_token,
            account=AccountView.of(session.account),
        )


class ApiKeyRequest(BaseModel):
    """A key for an agency account, scoped to provinces (`33`) or regencies (`33.74`)."""

    model_config = _examples(
        {
            "account_id": "5f0c6d3b9a2e4f1c8b7a6d5e4f3c2b1a",
            "name": "BPBD Kalimantan Selatan feed",
            "regions": ["63"],
        }
    )

    account_id: str = Field(min_length=1, max_length=64)
    name: SafeLine = Field(min_length=1, max_length=80, pattern=r"\S")
    regions: list[ScopeCode] = Field(min_length=1, max_length=64)


class ApiKeyView(BaseModel):
    """A key without its secret."""

    model_config = _examples(KEY_EXAMPLE)

    id: str
    prefix: str
    account_id: str
    name: str
    regions: list[str]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, key: StoredApiKey) -> ApiKeyView:
        """From the stored key."""
        return cls(
            id=key.id,
            prefix=key.prefix,
            account_id=key.account_id,
            name=key.name,
            regions=list(key.regions),
            created_at=key.created_at,
            revoked_at=key.revoked_at,
            last_used_at=key.last_used_at,
        )


class IssuedApiKeyView(ApiKeyView):
    """A new key: `key` is shown this once and cannot be retrieved again."""

    model_config = _examples(
        {**KEY_EXAMPLE, "key": "lmb_8f3a2c4b1d09_Zx81sLk0QaP3rT6uVw9yB2cE5fHj7Kq4Lm0Np3Rs6Tv"}
    )

    key: str = Field(description="Send as `X-API-Key`; only its hash is stored.")
