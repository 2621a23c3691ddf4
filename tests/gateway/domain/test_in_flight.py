"""Specification: at most `limit` requests in flight to one service; the next is refused at once."""

from __future__ import annotations

import pytest
from lumbung_gateway.domain.errors import UpstreamBusyError, UpstreamUnavailableError
from lumbung_gateway.domain.in_flight import InFlightLimit


class TestInFlightLimit:
    def test_refuses_beyond_the_limit_with_a_retry_hint(self) -> None:
        bound = InFlightLimit("orders", 2)
        with bound.slot(), bound.slot(), pytest.raises(UpstreamBusyError) as refused:
            bound.slot().__enter__()
        assert refused.value.status == 503
        assert refused.value.code == "upstream-busy"
        assert refused.value.extra == {"upstream": "orders", "retry_after_seconds": 1}

    def test_a_refusal_is_an_unavailable_service_for_callers_that_refund(self) -> None:
        assert issubclass(UpstreamBusyError, UpstreamUnavailableError)  # nothing was sent

    def test_slots_come_back_when_the_request_ends(self) -> None:
        bound = InFlightLimit("orders", 1)
        with bound.slot():
            assert bound.count == 1
        with pytest.raises(RuntimeError), bound.slot():
            raise RuntimeError("the request failed")
        assert bound.count == 0
        with bound.slot():  # both slots above were given back
            assert bound.count == 1

    def test_a_limit_below_one_is_refused(self) -> None:
        with pytest.raises(ValueError, match="at least 1"):
            InFlightLimit("orders", 0)
