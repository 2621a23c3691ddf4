"""Wire models of the gateway's own routes; bounded so hostile input stays cheap."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from lumbung_shared.text import SafeLine
from pydantic import BaseModel, Field

from lumbung_gateway.domain.accounts import Account
from lumbung_gateway.domain.api_keys import StoredApiKey
from lumbung_gateway.domain.regions import REGION_PATTERN
from lumbung_gateway.usecases.sessions import Session

Phone = Field(min_length=1, max_length=32, examples=["0812-3456-7890"])
Password = Field(min_length=1, max_length=128)
DisplayName = Field(min_length=1, max_length=80, pattern=r"\S")
Region = Field(pattern=REGION_PATTERN, examples=["63.08"])


class RegisterRequest(BaseModel):
    """Public sign-up: farmers, fishers and buyers."""

    phone: str = Phone
    password: str = Password
    display_name: SafeLine = DisplayName
    role: Literal["farmer", "fisher", "buyer"]
    home_region: str = Region


class AdminAccountRequest(BaseModel):
    """An account created by an admin, of any role (agency and admin only this way)."""

    phone: str = Phone
    password: str = Password
    display_name: SafeLine = DisplayName
    role: Literal["farmer", "fisher", "buyer", "agency", "admin"]
    regions: list[str] = Field(min_length=1, max_length=64)


class LoginRequest(BaseModel):
    """Phone number (any common spelling) and password."""

    phone: str = Phone
    password: str = Password


class RefreshRequest(BaseModel):
    """A refresh token from the last sign-in or refresh."""

    refresh_token: str = Field(min_length=1, max_length=256)


class AccountView(BaseModel):
    """An account as its owner and admins see it (never the password hash)."""

    id: str
    phone: str
    display_name: str
    role: str
    regions: list[str]
    created_at: datetime

    @classmethod
    def of(cls, account: Account) -> AccountView:
        """From the stored account."""
        return cls(
            id=account.id,
            phone=account.phone,
            display_name=account.display_name,
            role=account.role.value,
            regions=list(account.regions),
            created_at=account.created_at,
        )


class TokenView(BaseModel):
    """A new session: send `access_token` as Bearer; keep `refresh_token` secret."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105  (OAuth token type, not a secret)
    expires_in: int
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

    account_id: str = Field(min_length=1, max_length=64)
    name: SafeLine = Field(min_length=1, max_length=80, pattern=r"\S")
    regions: list[str] = Field(min_length=1, max_length=64)


class ApiKeyView(BaseModel):
    """A key without its secret."""

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

    key: str
