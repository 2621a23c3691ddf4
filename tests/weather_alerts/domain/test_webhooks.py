"""Standard Webhooks signatures, secret rotation, replay protection and the retry schedule."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import random
from datetime import timedelta

import pytest
from lumbung_weather_alerts.domain.webhooks import (
    MAX_ATTEMPTS,
    MIN_RETRY_DELAY,
    RETRY_CEILINGS,
    WebhookVerificationError,
    new_secret,
    next_attempt_delay,
    sign,
    verify,
    webhook_headers,
)

RAW_KEY = b"lumbung-test-key-0123456789abcdef"
SECRET = "whsec_" + base64.b64encode(RAW_KEY).decode()
MSG_ID = "msg_2kQ8"
TS = 1_795_000_000
BODY = b'{"type":"alert.issued","zone":"selat-bali"}'


class TestSigning:
    def test_known_answer_matches_an_independent_hmac(self) -> None:
        digest = hmac.new(RAW_KEY, f"{MSG_ID}.{TS}.".encode() + BODY, hashlib.sha256).digest()
        expected = "v1," + base64.b64encode(digest).decode()
        assert sign(SECRET, MSG_ID, TS, BODY) == expected
        assert sign(RAW_KEY, MSG_ID, TS, BODY) == expected

    def test_new_secrets_are_whsec_base64_of_32_bytes_and_differ(self) -> None:
        first, second = new_secret(), new_secret()
        assert first.startswith("whsec_")
        assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
        assert first != second

    def test_malformed_secret_is_refused(self) -> None:
        with pytest.raises(binascii.Error):
            sign("whsec_not base64!", MSG_ID, TS, BODY)


class TestVerification:
    def test_a_signed_message_verifies(self) -> None:
        headers = webhook_headers([SECRET], MSG_ID, TS, BODY)
        verify([SECRET], headers, BODY, now=TS + 10)

    def test_header_names_are_case_insensitive(self) -> None:
        headers = {k.title(): v for k, v in webhook_headers([SECRET], MSG_ID, TS, BODY).items()}
        verify([SECRET], headers, BODY, now=TS)

    def test_rotation_receiver_with_old_and_new_secret_accepts_either(self) -> None:
        old, new = SECRET, new_secret()
        verify([old, new], webhook_headers([new], MSG_ID, TS, BODY), BODY, now=TS)
        verify([old, new], webhook_headers([old], MSG_ID, TS, BODY), BODY, now=TS)

    def test_rotation_sender_signing_with_both_satisfies_a_receiver_with_one(self) -> None:
        old, new = SECRET, new_secret()
        headers = webhook_headers([old, new], MSG_ID, TS, BODY)
        assert len(headers["webhook-signature"].split(" ")) == 2
        verify([new], headers, BODY, now=TS)
        verify([old], headers, BODY, now=TS)

    def test_tampered_body_fails(self) -> None:
        headers = webhook_headers([SECRET], MSG_ID, TS, BODY)
        with pytest.raises(WebhookVerificationError) as raised:
            verify([SECRET], headers, BODY.replace(b"selat-bali", b"laut-banda"), now=TS)
        assert raised.value.status == 401
        assert raised.value.extra["reason"] == "signature-mismatch"

    def test_wrong_secret_fails(self) -> None:
        headers = webhook_headers([new_secret()], MSG_ID, TS, BODY)
        with pytest.raises(WebhookVerificationError):
            verify([SECRET], headers, BODY, now=TS)

    @pytest.mark.parametrize("skew", [301, -301, 86_400])
    def test_stale_or_future_timestamp_fails(self, skew: int) -> None:
        headers = webhook_headers([SECRET], MSG_ID, TS, BODY)
        with pytest.raises(WebhookVerificationError) as raised:
            verify([SECRET], headers, BODY, now=TS + skew)
        assert raised.value.extra["reason"] == "timestamp-out-of-tolerance"

    def test_timestamp_at_the_tolerance_is_accepted(self) -> None:
        headers = webhook_headers([SECRET], MSG_ID, TS, BODY)
        verify([SECRET], headers, BODY, now=TS + 300)

    def test_replayed_signature_under_another_id_fails(self) -> None:
        headers = webhook_headers([SECRET], MSG_ID, TS, BODY)
        headers["webhook-id"] = "msg_other"
        with pytest.raises(WebhookVerificationError):
            verify([SECRET], headers, BODY, now=TS)

    @pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
    def test_missing_header_fails(self, missing: str) -> None:
        headers = webhook_headers([SECRET], MSG_ID, TS, BODY)
        del headers[missing]
        with pytest.raises(WebhookVerificationError):
            verify([SECRET], headers, BODY, now=TS)

    def test_error_message_is_bilingual(self) -> None:
        error = WebhookVerificationError("signature-mismatch")
        assert error.message.id != error.message.en


class TestRetrySchedule:
    def test_delays_stay_within_each_attempts_ceiling(self) -> None:
        rng = random.Random(7)
        for attempt, ceiling in enumerate(RETRY_CEILINGS, start=1):
            for _ in range(50):
                delay = next_attempt_delay(attempt, rng)
                assert delay is not None
                assert MIN_RETRY_DELAY <= delay <= ceiling

    def test_ceilings_grow_and_span_hours(self) -> None:
        assert list(RETRY_CEILINGS) == sorted(RETRY_CEILINGS)
        assert sum(RETRY_CEILINGS, timedelta()) > timedelta(hours=12)

    def test_after_the_last_attempt_the_message_is_dead_lettered(self) -> None:
        rng = random.Random(7)
        assert next_attempt_delay(MAX_ATTEMPTS - 1, rng) is not None
        assert next_attempt_delay(MAX_ATTEMPTS, rng) is None

    def test_jitter_spreads_retries(self) -> None:
        rng = random.Random(7)
        delays = {next_attempt_delay(5, rng) for _ in range(20)}
        assert len(delays) > 10

    def test_attempt_counts_from_one(self) -> None:
        with pytest.raises(ValueError, match="starts at 1"):
            next_attempt_delay(0, random.Random(7))
