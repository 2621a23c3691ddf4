"""Throttle callers: per-instance token buckets by scope (address, account, sign-in, orders).

Each scope has its own buckets and limits (settings); a dry bucket answers 429 with a retry
time. Routes spend a token before they do any work, so a flood costs the gateway little.
A request the service answers as an idempotent replay gets its token back (see `refund`).
"""

from __future__ import annotations

import time

from lumbung_gateway.domain.rate_limit import LimitScope, RateLimit, RateLimiter
from lumbung_gateway.settings import GatewaySettings


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
                    LimitScope.IP: RateLimit(s.ip_burst, s.ip_per_second),
                    LimitScope.ACCOUNT: RateLimit(s.account_burst, s.account_per_second),
                    LimitScope.LOGIN_IP: RateLimit(s.login_ip_burst, s.login_ip_per_second),
                    LimitScope.LOGIN_PHONE: RateLimit(
                        s.login_phone_burst, s.login_phone_per_second
                    ),
                    LimitScope.SIGNUP_IP: RateLimit(s.login_ip_burst, s.login_ip_per_second),
                    LimitScope.ORDER_PLACEMENT: RateLimit(s.order_burst, s.order_per_second),
                }
            )
        )

    def spend(self, scope: LimitScope, key: str) -> None:
        """One token of (`scope`, `key`); 429 with a retry time when the bucket is dry."""
        self._limiter.check(scope, key, time.monotonic())

    def refund(self, scope: LimitScope, key: str) -> None:
        """Give back the token a request spent, once the service said it created nothing.

        Only the service can tell (it holds the idempotency keys and the roles), so the token
        is spent first and returned when the answer says so (`Idempotent-Replayed: true`, a
        refusal, an outage: `api.proxy`); new orders never get one back, so refunds cannot buy
        more orders than the limit allows.
        """
        self._limiter.refund(scope, key, time.monotonic())
