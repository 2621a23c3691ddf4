"""Specification: the gateway's own families, read from its breakers and bounds at scrape time."""

from __future__ import annotations

import time
from dataclasses import dataclass

from lumbung_gateway.domain.circuit_breaker import BreakerPolicy, CircuitBreaker
from lumbung_gateway.domain.in_flight import InFlightLimit
from lumbung_gateway.metrics import CallOutcome, GatewayMetrics
from prometheus_client import CollectorRegistry


@dataclass(frozen=True)
class _Service:
    breaker: CircuitBreaker
    in_flight: InFlightLimit


def _watched(policy: BreakerPolicy) -> tuple[CollectorRegistry, _Service]:
    registry = CollectorRegistry()
    service = _Service(CircuitBreaker("orders", policy), InFlightLimit("orders", 2))
    GatewayMetrics(registry).watch({"orders": service})
    return registry, service


def _gauge(registry: CollectorRegistry, name: str) -> float | None:
    return registry.get_sample_value(name, {"service": "gateway", "upstream": "orders"})


class TestCircuitGauge:
    def test_is_0_while_closed(self) -> None:
        registry, _ = _watched(BreakerPolicy(consecutive_failures=1))
        assert _gauge(registry, "lumbung_gateway_upstream_circuit_open") == 0

    def test_is_1_once_open(self) -> None:
        registry, service = _watched(BreakerPolicy(consecutive_failures=1, cooldown=60))
        service.breaker.record_failure(time.monotonic())
        assert _gauge(registry, "lumbung_gateway_upstream_circuit_open") == 1

    def test_stays_1_half_open_until_a_trial_closes_it(self) -> None:
        """After the cooldown all but one trial call are still refused: not yet closed."""
        registry, service = _watched(BreakerPolicy(consecutive_failures=1, cooldown=10))
        service.breaker.record_failure(time.monotonic() - 60)  # opened a minute ago
        half_open = _gauge(registry, "lumbung_gateway_upstream_circuit_open")
        assert service.breaker.allow(time.monotonic())  # the trial
        service.breaker.record_success(time.monotonic())

        assert half_open == 1
        assert _gauge(registry, "lumbung_gateway_upstream_circuit_open") == 0


class TestInFlightGauge:
    def test_counts_the_requests_in_flight_now(self) -> None:
        registry, service = _watched(BreakerPolicy())
        with service.in_flight.slot():
            during = _gauge(registry, "lumbung_gateway_upstream_in_flight")
        assert during == 1
        assert _gauge(registry, "lumbung_gateway_upstream_in_flight") == 0


class TestCalls:
    def test_every_service_and_outcome_is_at_0_before_the_first_call(self) -> None:
        registry = CollectorRegistry()
        GatewayMetrics(registry)
        samples = [
            sample
            for family in registry.collect()
            if family.name == "lumbung_gateway_upstream_calls"
            for sample in family.samples
            if sample.name.endswith("_total")
        ]
        assert len(samples) == 3 * len(CallOutcome)
        assert {sample.value for sample in samples} == {0}

    def test_an_answer_is_counted_and_timed_a_refusal_only_counted(self) -> None:
        registry = CollectorRegistry()
        metrics = GatewayMetrics(registry)
        metrics.called("orders", CallOutcome.ANSWERED, 0.03)
        metrics.called("orders", CallOutcome.BUSY)

        def calls(outcome: str) -> float | None:
            labels = {"service": "gateway", "upstream": "orders", "outcome": outcome}
            return registry.get_sample_value("lumbung_gateway_upstream_calls_total", labels)

        timed = registry.get_sample_value(
            "lumbung_gateway_upstream_duration_seconds_count",
            {"service": "gateway", "upstream": "orders"},
        )
        assert (calls("answered"), calls("busy"), timed) == (1, 1, 1)
