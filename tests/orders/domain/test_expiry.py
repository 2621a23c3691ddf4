"""Specification of reservation expiry: a seller has a fixed time to confirm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lumbung_orders.domain.expiry import DEFAULT_CONFIRM_WITHIN, expires_at, is_expired

RESERVED_AT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class TestDeadline:
    def test_defaults_to_24_hours(self) -> None:
        assert timedelta(hours=24) == DEFAULT_CONFIRM_WITHIN
        assert expires_at(RESERVED_AT) == RESERVED_AT + timedelta(hours=24)

    def test_follows_the_configured_window(self) -> None:
        assert expires_at(RESERVED_AT, timedelta(hours=2)) == RESERVED_AT + timedelta(hours=2)

    @pytest.mark.parametrize("window", [timedelta(0), timedelta(hours=-1)])
    def test_refuses_a_non_positive_window(self, window: timedelta) -> None:
        with pytest.raises(ValueError, match="positive"):
            expires_at(RESERVED_AT, window)

    def test_refuses_naive_datetimes(self) -> None:
        with pytest.raises(ValueError, match="timezone"):
            expires_at(datetime(2026, 3, 1, 8, 0))


class TestIsExpired:
    @pytest.mark.parametrize(
        ("elapsed", "expired"),
        [
            (timedelta(hours=23, minutes=59), False),
            (timedelta(hours=24), True),
            (timedelta(days=3), True),
        ],
    )
    def test_once_the_window_has_passed(self, elapsed: timedelta, expired: bool) -> None:
        assert is_expired(RESERVED_AT, RESERVED_AT + elapsed) is expired

    def test_with_a_short_window(self) -> None:
        assert is_expired(RESERVED_AT, RESERVED_AT + timedelta(hours=1), timedelta(minutes=30))
