"""Wiring of the gateway: settings, its accounts store, upstream clients, routes.

Routes are matched in order: health and documentation, the gateway's own `/v1/auth` and
`/v1/admin` routes, then the catch-all proxy to the services.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2.profiles import CHEAPEST
from fastapi import FastAPI
from lumbung_shared.mongo import make_mongo_client
from lumbung_shared.observability import configure_logging
from lumbung_shared.service import retry_until_up
from lumbung_shared.settings import load_settings
from lumbung_shared.web.guards import install_guards
from lumbung_shared.web.middleware import CorrelationMiddleware

from lumbung_gateway.api import accounts, admin, health, proxy
from lumbung_gateway.apidoc import routes as apidoc
from lumbung_gateway.domain.circuit_breaker import BreakerPolicy, CircuitBreaker
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.passwords import PRODUCTION_PARAMETERS, PasswordHashing
from lumbung_gateway.domain.refresh_tokens import RefreshPolicy
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.errors import install_gateway_problem_handlers
from lumbung_gateway.metrics import GatewayMetrics, MetricsMiddleware
from lumbung_gateway.runtime import GatewayRuntime, rate_limiter
from lumbung_gateway.settings import GatewaySettings
from lumbung_gateway.storage.accounts import AccountRepository
from lumbung_gateway.storage.api_keys import ApiKeyRepository
from lumbung_gateway.storage.login_attempts import LoginAttemptsRepository
from lumbung_gateway.storage.refresh_tokens import RefreshTokenRepository
from lumbung_gateway.upstreams import make_upstreams
from lumbung_gateway.usecases.api_keys import ApiKeys
from lumbung_gateway.usecases.bootstrap import ensure_bootstrap_admin
from lumbung_gateway.usecases.sessions import Sessions

log = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 3600.0


async def _purge_refresh_tokens(repository: RefreshTokenRepository) -> None:
    """Delete expired refresh tokens hourly (FerretDB has no TTL indexes)."""
    while True:
        with contextlib.suppress(Exception):
            await repository.purge_expired(datetime.now(UTC))
        await asyncio.sleep(PURGE_EVERY_SECONDS)


def _runtime(
    settings: GatewaySettings, tokens: TokenIssuer, metrics: GatewayMetrics
) -> GatewayRuntime:
    mongo = make_mongo_client(settings)
    db = mongo[settings.mongo_database]
    hashing = PasswordHashing(
        CHEAPEST if settings.argon2_profile == "cheapest" else PRODUCTION_PARAMETERS
    )
    accounts_repo = AccountRepository(db.accounts)
    sessions = Sessions(
        accounts=accounts_repo,
        attempts=LoginAttemptsRepository(db.login_attempts),
        refresh_tokens=RefreshTokenRepository(db.refresh_tokens),
        hashing=hashing,
        issuer=tokens,
        access_ttl=timedelta(minutes=settings.access_token_minutes),
        refresh_policy=RefreshPolicy(ttl=timedelta(days=settings.refresh_token_days)),
    )
    policy = BreakerPolicy(
        consecutive_failures=settings.breaker_failures, cooldown=settings.breaker_cooldown_seconds
    )
    upstreams = make_upstreams(settings)
    return GatewayRuntime(
        settings=settings,
        tokens=tokens,
        upstreams=upstreams,
        breakers={name: CircuitBreaker(name, policy) for name in upstreams},
        limiter=rate_limiter(settings),
        metrics=metrics,
        mongo=mongo,
        sessions=sessions,
        api_keys=ApiKeys(ApiKeyRepository(db.api_keys), accounts_repo),
        trusted_proxies=frozenset(
            p.strip() for p in settings.trusted_proxies.split(",") if p.strip()
        ),
    )


async def _prepare_store(runtime: GatewayRuntime) -> None:
    db = runtime.mongo[runtime.settings.mongo_database]
    await AccountRepository(db.accounts).ensure_indexes()
    await RefreshTokenRepository(db.refresh_tokens).ensure_indexes()
    await ApiKeyRepository(db.api_keys).ensure_indexes()
    await ensure_bootstrap_admin(runtime.settings, runtime.sessions)


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """The gateway app (uvicorn factory)."""
    settings = settings or load_settings(GatewaySettings)
    configure_logging(settings.service_name, settings.log_level)
    tokens = TokenIssuer(
        KeySet.from_setting(settings.jwt_keys.get_secret_value()),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(minutes=settings.access_token_minutes),
    )
    metrics = GatewayMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        runtime = _runtime(settings, tokens, metrics)
        await retry_until_up("mongo", lambda: _prepare_store(runtime))
        purge = asyncio.create_task(_purge_refresh_tokens(runtime.sessions.refresh_tokens))
        try:
            yield {"gateway": runtime}
        finally:
            purge.cancel()
            await asyncio.gather(purge, return_exceptions=True)
            await asyncio.gather(*(u.client.aclose() for u in runtime.upstreams.values()))
            await runtime.mongo.close()

    app = FastAPI(
        title="Lumbung API",
        description="The one entry point of the Lumbung marketplace.",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.internal_secret = settings.internal_secret.get_secret_value().encode()
    install_gateway_problem_handlers(app)
    app.add_middleware(CorrelationMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    install_guards(
        app,
        max_header_bytes=settings.max_header_bytes,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    for router in (health.router, apidoc.router, accounts.router, admin.router, proxy.router):
        app.include_router(router)
    return app
