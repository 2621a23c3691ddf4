"""Specification: the configured limits are stricter where attackers aim (sign-in, orders), and
a refund returns a token to the very bucket it came from."""

from __future__ import annotations

import pytest
from lumbung_gateway.domain.errors import TooManyRequestsError
from lumbung_gateway.domain.rate_limit import LimitScope, RateLimit, RateLimiter
from lumbung_gateway.settings import GatewaySettings
from lumbung_gateway.usecases.throttle import Throttle


def _default(field: str) -> float:
    value = GatewaySettings.model_fields[field].default
    assert isinstance(value, int | float)
    return float(value)


class TestDefaultLimits:
    def test_login_and_orders_are_stricter_than_the_general_account_limit(self) -> None:
        for strict in ("login_phone", "order"):
            assert _default(f"{strict}_burst") < _default("account_burst")
            assert _default(f"{strict}_per_second") < _default("account_per_second")


class TestRefund:
    def test_a_refunded_order_token_can_be_spent_again(self) -> None:
        throttle = Throttle(RateLimiter({LimitScope.ORDER_PLACEMENT: RateLimit(1, 0.001)}))
        throttle.spend(LimitScope.ORDER_PLACEMENT, "buyer-1")
        with pytest.raises(TooManyRequestsError):
            throttle.spend(LimitScope.ORDER_PLACEMENT, "buyer-1")

        throttle.refund(LimitScope.ORDER_PLACEMENT, "buyer-1")

        throttle.spend(LimitScope.ORDER_PLACEMENT, "buyer-1")  # no 429
