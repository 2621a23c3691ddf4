"""The gateway's long-lived parts, built in the lifespan and read by routes from request state."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient

from lumbung_gateway.domain.circuit_breaker import CircuitBreaker
from lumbung_gateway.domain.rate_limit import RateLimit, RateLimiter
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_gateway.metrics import GatewayMetrics
from lumbung_gateway.settings import GatewaySettings
from lumbung_gateway.upstreams import Upstream
from lumbung_gateway.usecases.api_keys import ApiKeys
from lumbung_gateway.usecases.sessions import Sessions


class Limit:
    """Names of the rate-limit scopes (each has its own buckets)."""

    IP = "ip"
    ACCOUNT = "account"
    LOGIN_IP = "login_ip"
    LOGIN_PHONE = "login_phone"
    SIGNUP_IP = "signup_ip"
    ORDER = "order"


def rate_limiter(settings: GatewaySettings) -> RateLimiter:
    """Per-instance token buckets with the configured limits."""
    s = settings
    return RateLimiter(
        {
            Limit.IP: RateLimit(s.ip_burst, s.ip_per_second),
            Limit.ACCOUNT: RateLimit(s.account_burst, s.account_per_second),
            Limit.LOGIN_IP: RateLimit(s.login_ip_burst, s.login_ip_per_second),
            Limit.LOGIN_PHONE: RateLimit(s.login_phone_burst, s.login_phone_per_second),
            Limit.SIGNUP_IP: RateLimit(s.login_ip_burst, s.login_ip_per_second),
            Limit.ORDER: RateLimit(s.order_burst, s.order_per_second),
        }
    )


@dataclass
class GatewayRuntime:
    """Everything a request may need; one per process."""

    settings: GatewaySettings
    tokens: TokenIssuer
    upstreams: dict[str, Upstream]
    breakers: dict[str, CircuitBreaker]
    limiter: RateLimiter
    metrics: GatewayMetrics
    mongo: AsyncMongoClient[dict[str, Any]]
    sessions: Sessions
    api_keys: ApiKeys
    trusted_proxies: frozenset[str]

    def throttle(self, scope: str, key: str) -> None:
        """Spend one token of (`scope`, `key`); 429 with a retry time when the bucket is dry."""
        self.limiter.check(scope, key, time.monotonic())
