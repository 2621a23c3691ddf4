"""Signing and verifying webhooks the Standard Webhooks way, and when to retry a delivery.

Agencies verify that a pushed alert really came from us and was not replayed: the signature is
HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}" with a shared secret
(`whsec_` + base64), sent as "v1,<base64>" in `webhook-signature` (standardwebhooks.com).
During a secret rotation we sign with every live secret (space-separated signatures) and a
receiver accepts a message if any signature matches any of its secrets.

Failed deliveries are retried on a schedule that spans about a day, because an agency's
server may be down for hours (power or network outages in the regions), then dead-lettered.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import secrets as secrets_module
from collections.abc import Mapping, Sequence
from datetime import timedelta

from lumbung_shared.errors import DomainError, Message

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE = timedelta(minutes=5)
"""How far a webhook-timestamp may be from the receiver's clock, either way (anti-replay)."""

RETRY_CEILINGS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
    timedelta(hours=12),
)
"""Upper bound of the wait before retry n (n = 1..10); after the last, the message is dead."""
MAX_ATTEMPTS = len(RETRY_CEILINGS) + 1
"""The first delivery plus one per retry ceiling."""
MIN_RETRY_DELAY = timedelta(seconds=1)
"""Full jitter can draw zero; we never retry sooner than this."""

SecretKey = bytes | str


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form: 'whsec_' + base64(32 random bytes)."""
    return SECRET_PREFIX + base64.b64encode(secrets_module.token_bytes(32)).decode("ascii")


def sign(secret: SecretKey, msg_id: str, timestamp: int, body: bytes) -> str:
    """The 'v1,<base64>' signature of one message with one secret."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_header(secrets: Sequence[SecretKey], msg_id: str, timestamp: int, body: bytes) -> str:
    """`webhook-signature` signed with every live secret, so receivers mid-rotation accept it."""
    return " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets)


def webhook_headers(
    secrets: Sequence[SecretKey], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
    }


def verify(
    secrets: Sequence[SecretKey],
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: int,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> None:
    """Accept the message or raise `WebhookVerificationError` (timestamps in Unix seconds).

    Any 'v1' signature matching any of `secrets` is enough; other versions are ignored.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    msg_id = lowered.get("webhook-id")
    raw_timestamp = lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not msg_id or not raw_timestamp or not signatures:
        raise WebhookVerificationError("missing-headers")
    timestamp = _parse_timestamp(raw_timestamp)
    if abs(now - timestamp) > tolerance.total_seconds():
        raise WebhookVerificationError("timestamp-out-of-tolerance")
    expected = {sign(secret, msg_id, timestamp, body) for secret in secrets}
    offered = [s for s in signatures.split() if s.startswith(f"{SIGNATURE_VERSION},")]
    if not any(hmac.compare_digest(o, e) for o in offered for e in expected):
        raise WebhookVerificationError("signature-mismatch")


def next_attempt_delay(attempt: int, rng: random.Random) -> timedelta | None:
    """Wait before the next delivery after `attempt` failed attempts; None means dead-letter.

    Full jitter (a uniform draw between `MIN_RETRY_DELAY` and the attempt's ceiling) spreads
    the retries of many subscribers that failed together, so a recovering agency server is not
    hit by all of them at once.
    """
    if attempt < 1:
        raise ValueError("attempt counts failed deliveries and starts at 1")
    if attempt >= MAX_ATTEMPTS:
        return None
    ceiling = RETRY_CEILINGS[attempt - 1].total_seconds()
    low = MIN_RETRY_DELAY.total_seconds()
    return timedelta(seconds=rng.uniform(low, max(low, ceiling)))


class WebhookVerificationError(DomainError):
    """The webhook could not be proven to come from the sender (401)."""

    def __init__(self, why: str) -> None:
        super().__init__(
            code="webhook-verification-failed",
            message=Message(
                id="Tanda tangan webhook tidak valid atau sudah kedaluwarsa.",
                en="The webhook signature is invalid or too old.",
            ),
            status=401,
            extra={"reason": why},
        )


def _key(secret: SecretKey) -> bytes:
    if isinstance(secret, bytes):
        return secret
    encoded = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(encoded, validate=True)


def _parse_timestamp(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise WebhookVerificationError("bad-timestamp") from None
