"""Wiring of the gateway: settings, its accounts store, upstream clients, routes.

Routes are matched in order: the services' paths (`ProxyRoute`, one table lookup, every
method), then health and documentation and the gateway's own `/v1/auth` and `/v1/admin`
routes. The lifespan builds one typed `GatewayState` and keeps it as `request.state.service`;
each route takes exactly the collaborators it needs from it through the aliases in `api.deps`.

The process's Prometheus registry (`app.state.metrics`: the HTTP families, the gateway's own in
`lumbung_gateway.metrics`, its store commands) is served only on the internal metrics port
(`GATEWAY_METRICS_PORT`), never on the public one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from argon2.profiles import CHEAPEST
from fastapi import FastAPI
from lumbung_shared.metrics import ServiceMetrics, serving_metrics
from lumbung_shared.mongo import Document, make_mongo_client
from lumbung_shared.observability import configure_logging
from lumbung_shared.service import SERVICE_STATE, retry_until_up
from lumbung_shared.settings import load_settings
from lumbung_shared.tracing import Tracing
from lumbung_shared.web.guards import install_guards
from lumbung_shared.web.http_metrics import HttpMetricsMiddleware
from lumbung_shared.web.methods import HeadAsGetMiddleware
from lumbung_shared.web.middleware import CorrelationMiddleware
from lumbung_shared.web.problem_schema import problem_components
from pymongo import AsyncMongoClient

from lumbung_gateway.api import accounts, admin, dead_letters, docs, health, openapi
from lumbung_gateway.api.bodies import BodyLimits
from lumbung_gateway.api.deps import Edge
from lumbung_gateway.api.problems import install_gateway_problem_handlers
from lumbung_gateway.api.proxy_route import include_routes
from lumbung_gateway.api.upstreams import Upstreams
from lumbung_gateway.domain.client_address import TrustedProxies
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.passwords import PRODUCTION_PARAMETERS, PasswordHashing
from lumbung_gateway.domain.refresh_tokens import RefreshPolicy
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.metrics import GatewayMetrics
from lumbung_gateway.settings import GatewaySettings
from lumbung_gateway.storage.accounts import AccountRepository
from lumbung_gateway.storage.api_keys import ApiKeyRepository
from lumbung_gateway.storage.health import store_unready_reason
from lumbung_gateway.storage.login_attempts import LoginAttemptsRepository
from lumbung_gateway.storage.refresh_tokens import RefreshTokenRepository
from lumbung_gateway.usecases.accounts import Accounts
from lumbung_gateway.usecases.api_keys import ApiKeys
from lumbung_gateway.usecases.bootstrap_admin import ensure_bootstrap_admin
from lumbung_gateway.usecases.describe_api import ApiDescription
from lumbung_gateway.usecases.readiness import Check, Readiness
from lumbung_gateway.usecases.sessions import Sessions
from lumbung_gateway.usecases.throttle import Throttle
from lumbung_gateway.workers.refresh_tokens import purge_expired_refresh_tokens


@dataclass(frozen=True)
class GatewayState:
    """Everything the routes use, one attribute per collaborator; one per process."""

    accounts: Accounts
    sessions: Sessions
    api_keys: ApiKeys
    throttle: Throttle
    readiness: Readiness
    api_description: ApiDescription
    edge: Edge
    """What every proxied request uses (throttle, tokens, the services…), as one dependency."""


def _state(
    settings: GatewaySettings,
    tokens: TokenIssuer,
    metrics: GatewayMetrics,
    mongo: AsyncMongoClient[Document],
    upstreams: Upstreams,
) -> GatewayState:
    db = mongo[settings.mongo_database]
    hashing = PasswordHashing(
        CHEAPEST if settings.argon2_profile == "cheapest" else PRODUCTION_PARAMETERS
    )
    account_repository = AccountRepository(db.accounts)
    sessions = Sessions(
        accounts=account_repository,
        attempts=LoginAttemptsRepository(db.login_attempts),
        refresh_tokens=RefreshTokenRepository(db.refresh_tokens),
        hashing=hashing,
        issuer=tokens,
        access_ttl=timedelta(minutes=settings.access_token_minutes),
        refresh_policy=RefreshPolicy(ttl=timedelta(days=settings.refresh_token_days)),
    )
    checks: dict[str, Check] = {"mongo": partial(store_unready_reason, mongo)}
    upstream_checks: dict[str, Check] = {
        name: partial(upstreams.unready_reason, name) for name in upstreams
    }
    edge = Edge(
        throttle=Throttle.from_settings(settings),
        tokens=tokens,
        api_keys=ApiKeys(ApiKeyRepository(db.api_keys), account_repository),
        trusted_proxies=TrustedProxies.parse(settings.trusted_proxies),
        upstreams=upstreams,
        metrics=metrics,
        body_limits=BodyLimits(settings.max_body_bytes, settings.max_upload_bytes),
    )
    return GatewayState(
        accounts=Accounts(account_repository, hashing),
        sessions=sessions,
        api_keys=edge.api_keys,
        throttle=edge.throttle,
        readiness=Readiness(checks, upstream_checks),
        api_description=ApiDescription(
            upstreams,
            settings.openapi_cache_seconds,
            public_url=settings.public_base_url,
            shared_schemas=problem_components(),
        ),
        edge=edge,
    )


async def _prepare_store(settings: GatewaySettings, db: Any, accounts: Accounts) -> None:
    await AccountRepository(db.accounts).ensure_indexes()
    await RefreshTokenRepository(db.refresh_tokens).ensure_indexes()
    await ApiKeyRepository(db.api_keys).ensure_indexes()
    await ensure_bootstrap_admin(settings, accounts)


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
    metrics = ServiceMetrics.for_service(settings.service_name)
    gateway_metrics = GatewayMetrics(metrics.registry, settings.service_name)
    tracing = Tracing.from_environment(settings.service_name)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        mongo = make_mongo_client(settings, [metrics.store.listener, *tracing.mongo_listeners()])
        db = mongo[settings.mongo_database]
        upstreams = Upstreams.from_settings(settings, tracing)
        gateway_metrics.watch(upstreams)
        state = _state(settings, tokens, gateway_metrics, mongo, upstreams)
        await retry_until_up("mongo", lambda: _prepare_store(settings, db, state.accounts))
        purge = purge_expired_refresh_tokens(RefreshTokenRepository(db.refresh_tokens))
        task = asyncio.create_task(purge(), name="purge-expired-refresh-tokens")
        try:
            async with serving_metrics(
                metrics.registry, settings.metrics_host, settings.metrics_port
            ):
                yield {SERVICE_STATE: state}
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await upstreams.aclose()
            await mongo.close()
            tracing.shutdown()

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
    app.state.metrics = metrics
    install_gateway_problem_handlers(app)
    app.add_middleware(CorrelationMiddleware)
    install_guards(
        app,
        max_header_bytes=settings.max_header_bytes,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    # Outside the guards, so their refusals (431, 413) are counted too; inside HEAD-as-GET.
    app.add_middleware(
        HttpMetricsMiddleware, registry=metrics.registry, service=settings.service_name
    )
    app.add_middleware(HeadAsGetMiddleware)  # outermost: HEAD is its GET without the body
    own = (health, openapi, docs, accounts, admin, dead_letters)
    include_routes(app, [module.router for module in own])
    tracing.instrument_app(app)  # outermost: the server span covers every middleware
    return app
