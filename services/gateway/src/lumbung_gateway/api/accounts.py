"""Sign-up, sign-in, token refresh and sign-out (`/v1/auth`), served by the gateway itself."""

from __future__ import annotations

from fastapi import APIRouter, Response

from lumbung_gateway.api.auth import SignedIn
from lumbung_gateway.api.deps import NO_STORE, ClientIp, Runtime
from lumbung_gateway.api.schemas import (
    AccountView,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenView,
)
from lumbung_gateway.domain.phones import normalise_phone
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.runtime import Limit
from lumbung_gateway.storage.accounts import AccountNotFoundError
from lumbung_gateway.usecases.sessions import NewAccount

router = APIRouter(prefix="/v1/auth", tags=["accounts"])


@router.post("/register", status_code=201, response_model=AccountView)
async def register(body: RegisterRequest, runtime: Runtime, ip: ClientIp) -> AccountView:
    """Sign up as a farmer, fisher or buyer with an Indonesian mobile number."""
    runtime.throttle(Limit.SIGNUP_IP, ip)
    new = NewAccount.of(
        body.phone, body.password, body.display_name, Role(body.role), (body.home_region,)
    )
    return AccountView.of(await runtime.sessions.register(new))


@router.post("/login", response_model=TokenView, dependencies=[NO_STORE])
async def login(body: LoginRequest, runtime: Runtime, ip: ClientIp) -> TokenView:
    """Sign in: an access token (minutes) and a refresh token (days, single use)."""
    runtime.throttle(Limit.LOGIN_IP, ip)
    runtime.throttle(Limit.LOGIN_PHONE, normalise_phone(body.phone))
    return TokenView.of(await runtime.sessions.login(body.phone, body.password))


@router.post("/refresh", response_model=TokenView, dependencies=[NO_STORE])
async def refresh(body: RefreshRequest, runtime: Runtime, ip: ClientIp) -> TokenView:
    """Trade a refresh token for a new pair; replaying a used one ends the sign-in."""
    runtime.throttle(Limit.LOGIN_IP, ip)
    return TokenView.of(await runtime.sessions.refresh(body.refresh_token))


@router.post("/logout", status_code=204, response_class=Response)
async def logout(body: RefreshRequest, runtime: Runtime, ip: ClientIp) -> Response:
    """Sign out: the refresh token and every token rotated from it stop working."""
    runtime.throttle(Limit.IP, ip)
    await runtime.sessions.logout(body.refresh_token)
    return Response(status_code=204)


@router.get("/me", response_model=AccountView)
async def me(caller: SignedIn, runtime: Runtime) -> AccountView:
    """The signed-in account."""
    account = await runtime.sessions.accounts.by_id(caller.subject)
    if account is None:
        raise AccountNotFoundError
    return AccountView.of(account)
