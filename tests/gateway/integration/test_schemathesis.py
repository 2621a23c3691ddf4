"""Property-based run of the merged OpenAPI document against the running stack.

For every operation of the document the gateway serves, 50 generated valid requests, sent as an
admin (the role that reaches the most code), and checked: no 5xx, and every response matches
the document (status, content type, body schema). Each request carries a fresh token, so the
per-account rate limit does not turn the run into a test of the limiter. Server-Sent Events
streams are left out: they stay open by design.

Operations are looped over inside one test because the document exists only once the stack
runs (schemathesis' lazy pytest loader does not work with this pytest version).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import schemathesis
from devstack.stack import Stack
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.clients import bearer
from tests.support.stacks import private_stack

EXAMPLES_PER_OPERATION = 50
STREAMING_PATHS = r"(/stream|/events|/sse)$"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _exercise(
    stack: Stack, strategy: SearchStrategy[schemathesis.Case], counter: list[int]
) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        counter[0] += 1
        case.call_and_validate(headers=bearer(stack, "admin"), checks=CHECKS, timeout=20)

    run()


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: admin-made random zones and alerts must not leak into other tests."""
    with private_stack(tmp_path_factory, "schemathesis") as stack:
        yield stack


@pytest.mark.schemathesis
@pytest.mark.timeout(600)
def test_merged_openapi_holds(fuzzed_stack: Stack) -> None:
    stack = fuzzed_stack
    schema = schemathesis.openapi.from_url(f"{stack.url('gateway')}/openapi.json", timeout=30)
    schema = schema.exclude(path_regex=STREAMING_PATHS)
    failures: dict[str, str] = {}
    calls: dict[str, int] = {}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        counter = [0]
        try:
            _exercise(stack, operation.as_strategy(), counter)
        except (Exception, BaseExceptionGroup) as exc:  # report every failing operation
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]
        calls[operation.label] = counter[0]
    print(
        f"schemathesis: {len(calls)} operations, {sum(calls.values())} calls, "
        f"{time.monotonic() - started:.0f}s"
    )
    assert len(calls) >= 10, calls
    assert not failures, "\n\n".join(f"{op}\n{text}" for op, text in failures.items())
