"""Property-based run of the merged OpenAPI document against the running stack.

For every operation of the document the gateway serves, generated requests in both of
schemathesis' modes, sent as an admin (the role that reaches the most code; a buyer for
checkout, which only buyers may call), each checked by every check schemathesis runs by default
on one response:

- positive (valid by the document): no 5xx, valid data accepted (`positive_data_acceptance`),
  and every response matching the document (status, content type, headers, body schema);
- negative (each request breaks the document somewhere: a type, a bound, a pattern, a required
  header or field): refused with a 4xx (`negative_data_rejection`), never a 5xx, and the refusal
  itself as documented.

The done-when of issue 14 is zero failures of any check in both modes. Each request carries a
fresh token, so the per-account rate limit does not turn the run into a test of the limiter.
Server-Sent Events streams are left out: they stay open by design. A cursor (or listings'
sync token) is a value only the server mints, so positive requests never invent one (negative
ones still send malformed ones); an invented id in a path is simply a 404, which both modes
allow. An operation with nothing to break (no parameters, no body) has no negative requests.
Rules between values that JSON Schema cannot state (`CANNOT_STATE`) are kept by positive
requests, and the credentials are the test's, never generated.

Operations are looped over inside one test because the document exists only once the stack
runs (schemathesis' lazy pytest loader does not work with this pytest version). Hypothesis does
not shrink a failure (its first example is reported) so a broken operation costs no more time
than a sound one; failures are grouped by the service that owns the path.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Final

import pytest
import schemathesis
from devstack.stack import Stack
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode

from tests.support.clients import bearer
from tests.support.stacks import private_stack
from tests.weather_alerts.fishing_cases import forecast_within_rules

EXAMPLES: Final = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 25}
"""Per operation and mode: ~60 operations x 50 requests keeps the file near five minutes."""
STREAMING_PATHS: Final = r"(/stream|/events|/sse)$"
MINTED: Final = ("cursor",)
MINTED_BY_OPERATION: Final = {"GET /v1/listings": ("cursor", "since")}
"""Query values only the server hands out: page cursors, and listings' sync token `since`."""
SAFE_TEXT: Final = st.text(
    st.characters(exclude_categories=["Cc", "Cf", "Cs", "Co", "Cn"], include_characters="\n\t")
)
"""The `safe-text` format (`lumbung_shared.text`): too large a rule for a `pattern`, so the
document names it and the fuzzer is taught it here."""
schemathesis.openapi.format("safe-text", SAFE_TEXT)
SYLLABLES: Final = tuple(c + v for c in "bcdghjklmnprstwy" for v in "aeiou")


def _passphrase(seed: int) -> str:
    """Four made-up words of two to four syllables, e.g. `nasu-halu-likage-biteku`.

    Drawn by a seeded generator, not by Hypothesis' own choices: those lean to the simplest
    value (`aaaaaaaa`), just what the strength estimate refuses.
    """
    rng = random.Random(seed)
    words = ["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(4)]
    return rng.choice("- ._").join(words)


STRONG_PASSWORD: Final = st.integers(min_value=0, max_value=2**32).map(_passphrase)
"""The `password` format (a new password, `domain.passwords`): hard to guess by zxcvbn's
estimate, which no pattern can state, so the fuzzer is taught to make passphrases (~75 bits)."""
schemathesis.openapi.format("password", STRONG_PASSWORD)
CALLER: Final = {
    "POST /v1/orders": "buyer",
    **{
        f"{method} /v1/cooperatives/{path}": "aggregator"
        for method, path in (
            ("PUT", "me"),
            ("GET", "me"),
            ("POST", "me/invitations"),
            ("GET", "me/members"),
            ("DELETE", "me/members/{member_id}"),
            ("POST", "me/listings"),
        )
    },
    **{
        f"{method} /v1/cooperatives/{path}": "farmer"
        for method, path in (
            ("POST", "memberships"),
            ("GET", "memberships"),
            ("GET", "memberships/contributions"),
            ("DELETE", "memberships/{aggregator_id}"),
        )
    },
    "POST /v1/listings/{listing_id}/contributions": "aggregator",
}
"""Who sends an operation's requests where an admin may not call it at all."""
OWNERS: Final = (
    ("/v1/catalogue/vessel-classes", "weather_alerts"),
    ("/v1/catalogue", "listings"),
    ("/v1/listings", "listings"),
    ("/v1/prices", "listings"),
    ("/v1/cooperatives", "listings"),
    ("/v1/orders", "orders"),
    ("/v1/payouts", "orders"),
    ("/v1/zones", "weather_alerts"),
    ("/v1/observations", "weather_alerts"),
    ("/v1/alerts", "weather_alerts"),
    ("/v1/advisories", "weather_alerts"),
    ("/v1/subscriptions", "weather_alerts"),
    ("/v1/fishing-grounds", "weather_alerts"),
    ("/v1/landing-sites", "weather_alerts"),
)


def owner_of(path: str) -> str:
    """The service answering `path` behind the gateway (longest prefix first, as it routes)."""
    for prefix, owner in OWNERS:
        if path == prefix or path.startswith(prefix + "/"):
            return owner
    return "gateway"


def _each_listing_once(case: schemathesis.Case) -> schemathesis.Case:
    """Checkout names each listing at most once (`duplicate-line`); JSON Schema cannot say so."""
    if isinstance(case.body, dict) and isinstance(case.body.get("lines"), list):
        lines = {line.get("listing_id"): line for line in case.body["lines"]}
        case.body["lines"] = list(lines.values())
    return case


def _ordered_box(case: schemathesis.Case) -> schemathesis.Case:
    """A zone's box has its north edge north of its south edge, its east edge east of west."""
    box = case.body.get("bbox") if isinstance(case.body, dict) else None
    if isinstance(box, dict):
        for low, high, top in (("south", "north", 90.0), ("west", "east", 180.0)):
            if isinstance(box.get(low), float | int) and isinstance(box.get(high), float | int):
                box[low], box[high] = sorted((box[low], box[high]))
                if box[low] == box[high]:
                    box[low] -= 1e-6 if box[high] + 1e-6 > top else 0
                    box[high] += 1e-6 if box[high] + 1e-6 <= top else 0
    return case


def _observed_window(case: schemathesis.Case) -> schemathesis.Case:
    """An observation ends an hour after it starts, both ends storable in UTC (years 1-9999);
    its highest wave is not below the mean."""
    body = case.body if isinstance(case.body, dict) else {}
    if isinstance(body.get("valid_from"), str) and "valid_to" in body:
        start = datetime.fromisoformat(body["valid_from"])
        try:
            end = start + timedelta(hours=1)
            start.astimezone(UTC), end.astimezone(UTC)
        except OverflowError:  # at the calendar's edge: an ordinary hour instead
            start = datetime(2026, 3, 1, tzinfo=UTC)
            end = start + timedelta(hours=1)
            body["valid_from"] = start.isoformat()
        body["valid_to"] = end.isoformat()
    waves = body.get("significant_wave_m"), body.get("max_wave_m")
    if all(isinstance(wave, float | int) for wave in waves):
        body["max_wave_m"] = max(waves)
    return case


LOCAL_WEBHOOK: Final = "http://127.0.0.1:9/schemathesis"
"""Test stacks allow-list 127.0.0.1 and plain http (`tests/support/stack_env.py`); port 9
(discard) refuses the connection, so deliveries to it just fail and retry."""


def _payout_period(case: schemathesis.Case) -> schemathesis.Case:
    """A payout read covers at most 93 days, forward; an admin's statement names a cooperative."""
    query = case.query if isinstance(case.query, dict) else {}
    query["from"], query["to"] = "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"
    if case.operation.label.endswith("/statement"):
        query.setdefault("aggregator_id", "aggregator-1")
    case.query = query
    return case


def _publicly_resolving_webhook(case: schemathesis.Case) -> schemathesis.Case:
    """A webhook's host must resolve to public addresses only (the SSRF guard): not a shape a
    pattern can state, and random hosts do not resolve; the loopback the stack allows stands in."""
    if isinstance(case.body, dict) and "url" in case.body:
        case.body["url"] = LOCAL_WEBHOOK
    return case


def _listing_within_rules(case: schemathesis.Case) -> schemathesis.Case:
    """A listing's minimum order is within its stock; its best-before follows its harvest/catch."""
    body = case.body if isinstance(case.body, dict) else {}
    stock, minimum = body.get("quantity_available"), body.get("min_order")
    if isinstance(stock, float | int) and isinstance(minimum, float | int) and stock > 0:
        body["min_order"] = min(minimum, stock)
    produced = next((key for key in ("harvest_date", "catch_date") if body.get(key)), None)
    if produced is not None and isinstance(body.get("best_before"), str):
        made = date.fromisoformat(body[produced])
        if date.fromisoformat(body["best_before"]) <= made:
            made = min(made, date.max - timedelta(days=1))
            body[produced], body["best_before"] = made.isoformat(), str(made + timedelta(days=1))
    return case


def _member_listing_within_rules(case: schemathesis.Case) -> schemathesis.Case:
    """As a listing; a pool's stock is the sum of its contributions (the minimum within it)."""
    body = case.body if isinstance(case.body, dict) else {}
    pooled = body.get("contributions")
    if isinstance(pooled, list) and "quantity_available" not in body:
        stock = sum(c.get("quantity", 0) for c in pooled if isinstance(c, dict))
        minimum = body.get("min_order")
        if isinstance(minimum, int) and stock > 0:
            body["min_order"] = min(minimum, stock)
    return _listing_within_rules(case)


def _price_range_in_order(case: schemathesis.Case) -> schemathesis.Case:
    """A search's `price_min` is not above its `price_max`."""
    query = case.query if isinstance(case.query, dict) else {}
    prices = query.get("price_min"), query.get("price_max")
    if all(isinstance(price, int) for price in prices):
        query["price_min"], query["price_max"] = sorted(prices)
    return case


CANNOT_STATE: Final = {
    "GET /v1/listings": _price_range_in_order,
    "POST /v1/listings": _listing_within_rules,
    "PATCH /v1/listings/{listing_id}": _listing_within_rules,
    "POST /v1/cooperatives/me/listings": _member_listing_within_rules,
    "POST /v1/orders": _each_listing_once,
    "POST /v1/zones": _ordered_box,
    "PUT /v1/zones/{zone_id}": _ordered_box,
    "POST /v1/observations": _observed_window,
    "POST /v1/subscriptions": _publicly_resolving_webhook,
    "POST /v1/fishing-grounds/forecasts": forecast_within_rules,
    "GET /v1/payouts/mine": _payout_period,
    "GET /v1/payouts/statement": _payout_period,
}
"""Rules between values that the document cannot express, kept by positive requests."""


def _positive(case: schemathesis.Case) -> schemathesis.Case:
    for name in MINTED_BY_OPERATION.get(case.operation.label, MINTED):
        if case.query:
            case.query.pop(name, None)
    keep_rules = CANNOT_STATE.get(case.operation.label)
    return keep_rules(case) if keep_rules else case


def _exercise(
    stack: Stack,
    strategy: SearchStrategy[schemathesis.Case],
    mode: GenerationMode,
    counter: list[int],
) -> None:
    if mode is GenerationMode.POSITIVE:
        strategy = strategy.map(_positive)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: schemathesis.Case) -> None:
        counter[0] += 1
        role = CALLER.get(case.operation.label, "admin")
        case.call_and_validate(headers=bearer(stack, role), timeout=20)

    run()


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: admin-made random zones and alerts must not leak into other tests."""
    with private_stack(tmp_path_factory, "schemathesis") as stack:
        yield stack


@pytest.mark.schemathesis
@pytest.mark.timeout(900)
def test_merged_openapi_holds_in_both_modes(fuzzed_stack: Stack) -> None:
    stack = fuzzed_stack
    schema = schemathesis.openapi.from_url(f"{stack.url('gateway')}/openapi.json", timeout=30)
    schema = schema.exclude(path_regex=STREAMING_PATHS)
    # Credentials are the test's (a fresh token per request), not generated: a negative case
    # that drops `Authorization` would get it back from `call_and_validate(headers=...)`.
    schema.config.generation.update(with_security_parameters=False)
    failures: dict[str, dict[str, str]] = defaultdict(dict)
    calls: dict[str, int] = defaultdict(int)
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in EXAMPLES:
            counter = [0]
            try:
                _exercise(stack, operation.as_strategy(generation_mode=mode), mode, counter)
            except (Exception, BaseExceptionGroup) as exc:  # report every failing operation
                if isinstance(exc, Unsatisfiable) and mode is GenerationMode.NEGATIVE:
                    continue  # nothing in the operation to break: no negative request
                failure = f"{type(exc).__name__}: {exc}"[:2500]
                failures[owner_of(operation.path)][f"{operation.label} [{mode.value}]"] = failure
            calls[operation.label] += counter[0]
    print(
        f"schemathesis: {len(calls)} operations, {sum(calls.values())} calls, "
        f"{time.monotonic() - started:.0f}s"
    )
    assert len(calls) >= 10, calls
    assert not failures, "\n\n".join(
        f"=== {owner}: {len(found)} failing\n"
        + "\n\n".join(f"{label}\n{text}" for label, text in found.items())
        for owner, found in sorted(failures.items())
    )
