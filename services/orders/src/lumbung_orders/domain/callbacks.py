"""How a payment provider's callback proves it is genuine, meant for this action, and new.

Signature contract, version `v1` (what a provider must send; `api/payments.py` and the orders
README show it to providers):

- Headers `X-Payment-Timestamp` (Unix time in whole seconds, decimal ASCII),
  `X-Payment-Callback-Id` (the provider's unique id of this callback: 1-64 characters from
  `A-Z a-z 0-9 . _ : -`, starting with a letter or digit) and `X-Payment-Signature` (lowercase
  hex HMAC-SHA256; an optional `sha256=` prefix is accepted).
- The signed message is seven lines joined by `\\n` (no trailing newline), UTF-8:

      v1
      POST
      /v1/orders/<order_id>/<action>
      <order_id>
      <timestamp>
      <callback_id>
      <lowercase hex SHA-256 of the raw request body>

  where `<action>` is `payment` or `refund`. So a signature names the HTTP method, the action
  (a "paid" callback cannot be sent to `/refund`), the order (it cannot be sent to another
  order's URL), the moment and the callback; the body is covered through its digest.
- A timestamp more than `tolerance` (default 5 minutes) away from our clock, in either
  direction, is refused; signatures are compared in constant time.
- Freshness beyond the tolerance is the callback id's job: an order remembers the ids it has
  answered (`remember_callback`), so a replay within the tolerance changes nothing.

Everything here is pure: the caller passes the secret, the request parts and the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final

from lumbung_shared.errors import DomainError, Message

SIGNATURE_VERSION: Final = "v1"
DEFAULT_SIGNATURE_TOLERANCE: Final = timedelta(minutes=5)
CALLBACK_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
MAX_REMEMBERED_CALLBACKS: Final = 20
"""Callback ids an order keeps (newest last); a provider sends a handful per order."""


class CallbackAction(StrEnum):
    """What a provider callback says happened; it is the last segment of the URL."""

    PAYMENT = "payment"
    REFUND = "refund"


@dataclass(frozen=True)
class ProviderCallback:
    """The parts of a callback request that its signature covers."""

    method: str
    order_id: str
    action: CallbackAction
    timestamp: str
    callback_id: str
    body: bytes

    @property
    def path(self) -> str:
        return callback_path(self.order_id, self.action)


def callback_path(order_id: str, action: CallbackAction) -> str:
    """The URL path a callback for `action` on `order_id` is sent to (and signed over)."""
    return f"/v1/orders/{order_id}/{action.value}"


def canonical_message(callback: ProviderCallback) -> bytes:
    """The exact bytes that are signed (see the module contract)."""
    lines = (
        SIGNATURE_VERSION,
        callback.method.upper(),
        callback.path,
        callback.order_id,
        callback.timestamp,
        callback.callback_id,
        hashlib.sha256(callback.body).hexdigest(),
    )
    return "\n".join(lines).encode()


def sign_callback(secret: str | bytes, callback: ProviderCallback) -> str:
    """The hex signature a provider sends for `callback`."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, canonical_message(callback), hashlib.sha256).hexdigest()


def verify_callback(
    secret: str | bytes,
    callback: ProviderCallback,
    signature: str,
    *,
    now: datetime,
    tolerance: timedelta = DEFAULT_SIGNATURE_TOLERANCE,
) -> None:
    """Refuse (401) a callback with a malformed id, a stale timestamp or a wrong signature."""
    if not valid_callback_id(callback.callback_id):
        raise _unauthenticated("callback-id-invalid", _BAD_ID)
    sent_at = _parse_timestamp(callback.timestamp)
    if sent_at is None or abs(now - sent_at) > tolerance:
        raise _unauthenticated("signature-expired", _STALE)
    given = signature.strip().lower().removeprefix("sha256=")
    if "\n" in callback.order_id or not given.isascii():
        raise _unauthenticated("signature-invalid", _INVALID)
    expected = sign_callback(secret, callback)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise _unauthenticated("signature-invalid", _INVALID)


def valid_callback_id(callback_id: str) -> bool:
    return CALLBACK_ID_PATTERN.fullmatch(callback_id) is not None


def remember_callback(seen: list[str], callback_id: str) -> bool:
    """Add `callback_id` to an order's `seen` ids; False if it was there already (a replay).

    Only the newest `MAX_REMEMBERED_CALLBACKS` are kept: an evicted id would need that many
    newer genuine callbacks for the same order inside the timestamp tolerance to come back.
    """
    if callback_id in seen:
        return False
    seen.append(callback_id)
    del seen[:-MAX_REMEMBERED_CALLBACKS]
    return True


def _parse_timestamp(timestamp: str) -> datetime | None:
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return None
    return datetime.fromtimestamp(int(timestamp), tz=UTC)


def _unauthenticated(code: str, message: Message) -> DomainError:
    return DomainError(code=code, message=message, status=401)


_BAD_ID = Message(
    id="Header X-Payment-Callback-Id tidak ada atau tidak valid.",
    en="The X-Payment-Callback-Id header is missing or malformed.",
)
_STALE = Message(
    id="Waktu tanda tangan callback tidak valid atau kedaluwarsa.",
    en="The callback timestamp is invalid or too old.",
)
_INVALID = Message(
    id="Tanda tangan callback tidak valid untuk permintaan ini.",
    en="The callback signature is not valid for this request.",
)
