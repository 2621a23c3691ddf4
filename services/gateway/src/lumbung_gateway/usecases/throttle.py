"""Throttle callers: per-instance token buckets by scope (address, account, sign-in, orders).

Each scope has its own buckets and limits (settings); a dry bucket answers 429 with a retry
time. Routes spend a token before they do any work, so a flood costs the gateway little.
"""

from __future__ import annotations

import time

from lumbung_gateway.domain.rate_limit import RateLimit, RateLimiter
from lumbung_gateway.settings import GatewaySettings


class Limit:
    """Names of the rate-limit scopes (each has its own buckets)."""

    IP = "ip"
    ACCOUNT = "account"
    LOGIN_IP = "login_ip"
    LOGIN_PHONE = "login_phone"
    SIGNUP_IP = "signup_ip"
    ORDER = "order"


class Throttle:
    """Spend one token of (`scope`, `key`) against the process's buckets."""

    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> Throttle:
        """Buckets with the configured limits."""
        s = settings
        return cls(
            RateLimiter(
                {
                    Limit.IP: RateLimit(s.ip_burst, s.ip_per_second),
                    Limit.ACCOUNT: RateLimit(s.account_burst, s.account_per_second),
                    Limit.LOGIN_IP: RateLimit(s.login_ip_burst, s.login_ip_per_second),
                    Limit.LOGIN_PHONE: RateLimit(s.login_phone_burst, s.login_phone_per_second),
                    Limit.SIGNUP_IP: RateLimit(s.login_ip_burst, s.login_ip_per_second),
                    Limit.ORDER: RateLimit(s.order_burst, s.order_per_second),
                }
            )
        )

    def spend(self, scope: str, key: str) -> None:
        """One token of (`scope`, `key`); 429 with a retry time when the bucket is dry."""
        self._limiter.check(scope, key, time.monotonic())
