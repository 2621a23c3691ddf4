"""Specification of the payment provider's callback signature (v1) and replay memory."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from lumbung_orders.domain.callbacks import (
    MAX_REMEMBERED_CALLBACKS,
    CallbackAction,
    ProviderCallback,
    canonical_message,
    remember_callback,
    sign_callback,
    verify_callback,
)
from lumbung_shared.errors import DomainError

SECRET = "provider-secret"
BODY = b'{"order_id":"o-9","amount":300000}'
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
STAMP = str(int(NOW.timestamp()))
PAID = ProviderCallback(
    method="POST",
    order_id="o-9",
    action=CallbackAction.PAYMENT,
    timestamp=STAMP,
    callback_id="evt_01HZX.9:a-b",
    body=BODY,
)


def _refusal(callback: ProviderCallback, signature: str, now: datetime = NOW) -> DomainError:
    with pytest.raises(DomainError) as caught:
        verify_callback(SECRET, callback, signature, now=now)
    return caught.value


class TestCanonicalMessage:
    def test_is_the_documented_seven_lines(self) -> None:
        digest = hashlib.sha256(BODY).hexdigest()
        expected = f"v1\nPOST\n/v1/orders/o-9/payment\no-9\n{STAMP}\nevt_01HZX.9:a-b\n{digest}"

        assert canonical_message(PAID) == expected.encode()

    def test_the_signature_is_hex_hmac_sha256_over_it(self) -> None:
        expected = hmac.new(SECRET.encode(), canonical_message(PAID), hashlib.sha256)

        assert sign_callback(SECRET, PAID) == expected.hexdigest()


class TestAGenuineCallback:
    @pytest.mark.parametrize("prefix", ["", "sha256="])
    def test_passes_with_or_without_the_prefix(self, prefix: str) -> None:
        signature = prefix + sign_callback(SECRET, PAID)

        verify_callback(SECRET, PAID, signature, now=NOW + timedelta(seconds=30))

    def test_passes_in_uppercase_hex(self) -> None:
        verify_callback(SECRET, PAID, sign_callback(SECRET, PAID).upper(), now=NOW)


class TestASignatureIsBoundToItsRequest:
    @pytest.mark.parametrize(
        "changed",
        [
            replace(PAID, action=CallbackAction.REFUND),
            replace(PAID, order_id="o-10"),
            replace(PAID, method="PUT"),
            replace(PAID, callback_id="evt_other"),
            replace(PAID, timestamp=str(int(STAMP) + 1)),
            replace(PAID, body=BODY.replace(b"300000", b"3000000")),
        ],
        ids=["other-action", "other-order", "other-method", "other-id", "other-time", "body"],
    )
    def test_it_is_refused_for_any_other(self, changed: ProviderCallback) -> None:
        error = _refusal(changed, sign_callback(SECRET, PAID))

        assert (error.status, error.code) == (401, "signature-invalid")
        assert error.message.id != error.message.en

    def test_it_is_refused_under_another_secret(self) -> None:
        error = _refusal(PAID, sign_callback("not-the-secret", PAID))

        assert (error.status, error.code) == (401, "signature-invalid")

    @pytest.mark.parametrize("signature", ["", "zz", "é" * 64])
    def test_a_garbled_signature_is_refused(self, signature: str) -> None:
        assert _refusal(PAID, signature).code == "signature-invalid"

    def test_an_order_id_with_a_line_break_is_refused(self) -> None:
        smuggled = replace(PAID, order_id="o-9\nPOST")

        assert _refusal(smuggled, sign_callback(SECRET, smuggled)).code == "signature-invalid"


class TestTheTimestamp:
    @pytest.mark.parametrize("skew", [timedelta(minutes=6), -timedelta(minutes=6)])
    def test_outside_five_minutes_either_way_is_refused(self, skew: timedelta) -> None:
        error = _refusal(PAID, sign_callback(SECRET, PAID), now=NOW + skew)

        assert (error.status, error.code) == (401, "signature-expired")

    def test_just_inside_five_minutes_passes(self) -> None:
        verify_callback(SECRET, PAID, sign_callback(SECRET, PAID), now=NOW + timedelta(minutes=5))

    @pytest.mark.parametrize("stamp", ["", "abc", "-1", "1.5", "١٢٣", "9" * 13])
    def test_a_malformed_one_is_refused(self, stamp: str) -> None:
        callback = replace(PAID, timestamp=stamp)

        error = _refusal(callback, sign_callback(SECRET, callback))

        assert (error.status, error.code) == (401, "signature-expired")


class TestTheCallbackId:
    @pytest.mark.parametrize("callback_id", ["a", "0" * 64, "TRX-2026.03:01_x"])
    def test_of_1_to_64_safe_characters_passes(self, callback_id: str) -> None:
        callback = replace(PAID, callback_id=callback_id)

        verify_callback(SECRET, callback, sign_callback(SECRET, callback), now=NOW)

    @pytest.mark.parametrize(
        "callback_id",
        ["", "a" * 65, "-leading-dash", "with space", "new\nline", "slash/", "ünïcode"],
    )
    def test_missing_too_long_or_with_other_characters_is_refused(self, callback_id: str) -> None:
        callback = replace(PAID, callback_id=callback_id)

        error = _refusal(callback, sign_callback(SECRET, callback))

        assert (error.status, error.code) == (401, "callback-id-invalid")
        assert error.message.id != error.message.en


class TestReplayMemory:
    def test_a_new_id_is_remembered(self) -> None:
        seen = ["a"]

        assert remember_callback(seen, "b") is True
        assert seen == ["a", "b"]

    def test_a_seen_id_is_a_replay_and_changes_nothing(self) -> None:
        seen = ["a", "b"]

        assert remember_callback(seen, "a") is False
        assert seen == ["a", "b"]

    def test_only_the_newest_ids_are_kept(self) -> None:
        seen = [f"id-{n}" for n in range(MAX_REMEMBERED_CALLBACKS)]

        assert remember_callback(seen, "newest") is True

        assert len(seen) == MAX_REMEMBERED_CALLBACKS
        assert seen[0] == "id-1"
        assert seen[-1] == "newest"
