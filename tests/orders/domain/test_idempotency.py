"""Specification of Idempotency-Key handling: a retried checkout never makes a second order."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lumbung_orders.domain.idempotency import (
    KEY_PATTERN,
    IdempotencyRecord,
    Replay,
    check_replay,
    request_fingerprint,
)
from lumbung_orders.domain.pricing import PlaceOrderRequest
from lumbung_shared.errors import DomainError

BODY: dict[str, Any] = {
    "lines": [{"listing_id": "shallot-1", "quantity": 30}],
    "delivery": {"method": "courier", "region_code": "63.08", "address": "Jl. Amuntai 1"},
    "payment_method": "cod",
    "note": "Tolong dikirim pagi",
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


def _reordered(value: Any, rng: random.Random) -> Any:
    """The same JSON value with every object's keys in a shuffled order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _reordered(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_reordered(item, rng) for item in value]
    return value


def _record(fingerprint: str) -> IdempotencyRecord:
    return IdempotencyRecord(
        key="k-1",
        buyer_id="buyer-1",
        fingerprint=fingerprint,
        order_ids=("o-1", "o-2"),
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


class TestFingerprint:
    @given(body=st.dictionaries(st.text(max_size=5), json_values, max_size=6), seed=st.integers())
    def test_is_stable_under_key_reordering(self, body: dict[str, Any], seed: int) -> None:
        shuffled = _reordered(body, random.Random(seed))
        assert request_fingerprint("b", shuffled) == request_fingerprint("b", body)

    def test_is_a_sha256_hex_digest(self) -> None:
        fingerprint = request_fingerprint("buyer-1", BODY)
        assert len(fingerprint) == 64
        assert set(fingerprint) <= set("0123456789abcdef")

    @pytest.mark.parametrize(
        "changed",
        [
            BODY | {"note": "Tolong dikirim sore"},
            BODY | {"lines": [{"listing_id": "shallot-1", "quantity": 31}]},
            BODY | {"payment_method": "ewallet"},
            {key: value for key, value in BODY.items() if key != "note"},
        ],
        ids=["note", "quantity", "payment", "missing-field"],
    )
    def test_differs_when_the_body_changes(self, changed: dict[str, Any]) -> None:
        assert request_fingerprint("buyer-1", changed) != request_fingerprint("buyer-1", BODY)

    def test_differs_between_buyers(self) -> None:
        assert request_fingerprint("buyer-1", BODY) != request_fingerprint("buyer-2", BODY)

    def test_of_the_validated_request_ignores_whitespace_and_defaults(self) -> None:
        padded = BODY | {"note": "  Tolong dikirim pagi  "}
        first = PlaceOrderRequest.model_validate(BODY).model_dump(mode="json")
        retry = PlaceOrderRequest.model_validate(padded).model_dump(mode="json")
        assert request_fingerprint("b", first) == request_fingerprint("b", retry)


class TestReplay:
    def test_a_new_key_proceeds(self) -> None:
        assert check_replay(None, "abc") is None

    def test_the_same_key_and_body_returns_the_same_orders(self) -> None:
        fingerprint = request_fingerprint("buyer-1", BODY)
        assert check_replay(_record(fingerprint), fingerprint) == Replay(order_ids=("o-1", "o-2"))

    def test_the_same_key_with_another_body_is_a_422(self) -> None:
        record = _record(request_fingerprint("buyer-1", BODY))
        other = request_fingerprint("buyer-1", BODY | {"payment_method": "ewallet"})

        with pytest.raises(DomainError) as caught:
            check_replay(record, other)

        assert (caught.value.status, caught.value.code) == (422, "idempotency-key-reused")
        assert caught.value.message.id != caught.value.message.en


class TestKeyFormat:
    """The Idempotency-Key format the checkout route declares (and FastAPI enforces)."""

    @pytest.mark.parametrize(
        "key", ["6f1c2e9a-0b7d-4c1e-9f3a-2d8b5e7c1a40", "01JDQ3Z8V7K9", "aGVsbG8=/+_.~"]
    )
    def test_uuids_ulids_and_base64_tokens_are_keys(self, key: str) -> None:
        assert re.fullmatch(KEY_PATTERN, key)

    @pytest.mark.parametrize("key", ["", "two words", "a\nb", "kunci-ü"])
    def test_spaces_controls_and_non_ascii_are_not(self, key: str) -> None:
        assert re.fullmatch(KEY_PATTERN, key) is None
