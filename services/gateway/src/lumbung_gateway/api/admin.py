"""Admin-only routes (`/v1/admin`): privileged accounts and agency API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from lumbung_shared.web.guards import NO_STORE
from lumbung_shared.web.responses import problem_responses

from lumbung_gateway.api.auth import Admin
from lumbung_gateway.api.deps import AccountsDep, ApiKeysDep
from lumbung_gateway.api.schemas import (
    AccountView,
    AdminAccountRequest,
    ApiKeyRequest,
    ApiKeyView,
    IssuedApiKeyView,
)
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.usecases.accounts import NewAccount

router = APIRouter(prefix="/v1/admin", tags=["admin"])

HEX_ID = r"^[0-9a-f]{32}$"
AccountId = Annotated[str, Path(pattern=HEX_ID, examples=["5f0c6d3b9a2e4f1c8b7a6d5e4f3c2b1a"])]
KeyId = Annotated[str, Path(pattern=HEX_ID, examples=["0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a"])]


@router.post(
    "/accounts",
    status_code=201,
    response_model=AccountView,
    responses=problem_responses(400, 409, 422),
)
async def create_account(
    body: AdminAccountRequest, admin: Admin, accounts: AccountsDep
) -> AccountView:
    """Create an account of any role; the only way to make agency and admin accounts."""
    new = NewAccount.of(
        body.phone, body.password, body.display_name, Role(body.role), tuple(body.regions)
    )
    return AccountView.of(await accounts.register(new, created_by=admin.subject))


@router.get(
    "/accounts/{account_id}", response_model=AccountView, responses=problem_responses(404, 422)
)
async def get_account(account_id: AccountId, admin: Admin, accounts: AccountsDep) -> AccountView:
    """One account by id."""
    del admin  # the dependency is the check
    return AccountView.of(await accounts.get(account_id))


@router.post(
    "/api-keys",
    status_code=201,
    response_model=IssuedApiKeyView,
    dependencies=[NO_STORE],
    responses=problem_responses(400, 404, 422),
)
async def create_api_key(
    body: ApiKeyRequest, admin: Admin, api_keys: ApiKeysDep
) -> IssuedApiKeyView:
    """Issue an API key to an agency account; the key is in this response only."""
    del admin
    issued = await api_keys.issue(body.account_id, body.name, body.regions)
    return IssuedApiKeyView(**ApiKeyView.of(issued.stored).model_dump(), key=issued.plain)


@router.get("/api-keys", response_model=list[ApiKeyView], responses=problem_responses(422))
async def list_api_keys(
    admin: Admin,
    api_keys: ApiKeysDep,
    account_id: Annotated[str | None, Query(pattern=HEX_ID)] = None,
) -> list[ApiKeyView]:
    """Keys (newest first, at most 200), without secrets, with their last use."""
    del admin
    return [ApiKeyView.of(key) for key in await api_keys.list(account_id)]


@router.delete(
    "/api-keys/{key_id}", response_model=ApiKeyView, responses=problem_responses(404, 422)
)
async def revoke_api_key(key_id: KeyId, admin: Admin, api_keys: ApiKeysDep) -> ApiKeyView:
    """Revoke a key; requests with it are refused from now on."""
    del admin
    return ApiKeyView.of(await api_keys.revoke(key_id))
