"""Sign-up, sign-in, token refresh and sign-out (`/v1/auth`), served by the gateway itself."""

from __future__ import annotations

from fastapi import APIRouter, Response
from lumbung_shared.web.guards import NO_STORE
from lumbung_shared.web.responses import problem_responses

from lumbung_gateway.api.auth import SignedIn
from lumbung_gateway.api.deps import AccountsDep, ClientIp, SessionsDep, ThrottleDep
from lumbung_gateway.api.schemas import (
    AccountView,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenView,
)
from lumbung_gateway.domain.phones import normalise_phone
from lumbung_gateway.domain.rate_limit import LimitScope
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.usecases.accounts import NewAccount

router = APIRouter(prefix="/v1/auth", tags=["accounts"])


@router.post(
    "/register",
    status_code=201,
    response_model=AccountView,
    responses=problem_responses(400, 409, 422, 429),
)
async def register(
    body: RegisterRequest, accounts: AccountsDep, throttle: ThrottleDep, ip: ClientIp
) -> AccountView:
    """Sign up as a farmer, fisher or buyer with an Indonesian mobile number."""
    throttle.spend(LimitScope.SIGNUP_IP, ip)
    new = NewAccount.of(
        body.phone, body.password, body.display_name, Role(body.role), (body.home_region,)
    )
    return AccountView.of(await accounts.register(new))


@router.post(
    "/login",
    response_model=TokenView,
    dependencies=[NO_STORE],
    responses=problem_responses(400, 401, 422, 429),
)
async def login(
    body: LoginRequest, sessions: SessionsDep, throttle: ThrottleDep, ip: ClientIp
) -> TokenView:
    """Sign in: an access token (minutes) and a refresh token (days, single use)."""
    throttle.spend(LimitScope.LOGIN_IP, ip)
    throttle.spend(LimitScope.LOGIN_PHONE, normalise_phone(body.phone))
    return TokenView.of(await sessions.login(body.phone, body.password))


@router.post(
    "/refresh",
    response_model=TokenView,
    dependencies=[NO_STORE],
    responses=problem_responses(400, 401, 422, 429),
)
async def refresh(
    body: RefreshRequest, sessions: SessionsDep, throttle: ThrottleDep, ip: ClientIp
) -> TokenView:
    """Trade a refresh token for a new pair; replaying a used one ends the sign-in."""
    throttle.spend(LimitScope.LOGIN_IP, ip)
    return TokenView.of(await sessions.refresh(body.refresh_token))


@router.post(
    "/logout",
    status_code=204,
    response_class=Response,
    responses=problem_responses(400, 422, 429),
)
async def logout(
    body: RefreshRequest, sessions: SessionsDep, throttle: ThrottleDep, ip: ClientIp
) -> Response:
    """Sign out: the refresh token and every token rotated from it stop working."""
    throttle.spend(LimitScope.IP, ip)
    await sessions.logout(body.refresh_token)
    return Response(status_code=204)


@router.get("/me", response_model=AccountView, responses=problem_responses(404))
async def me(caller: SignedIn, accounts: AccountsDep) -> AccountView:
    """The signed-in account."""
    return AccountView.of(await accounts.get(caller.subject))
