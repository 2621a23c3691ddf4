"""Safe retries of checkout: the same Idempotency-Key must not create a second order.

Phones on rural networks time out and resend. The first request with a key stores a record of
the body's fingerprint and the orders it created; a retry with the same key and the same body
gets those orders back, while the same key with a different body is a client bug and gets 422
instead of silently returning orders that do not match what was asked.

Fingerprint the validated request (`PlaceOrderRequest.model_dump(mode="json")`) rather than the
raw bytes, so whitespace, key order and defaults do not make a genuine retry look different.
Line order still counts: it is part of what the buyer sent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final

from lumbung_shared.errors import DomainError, Message
from pydantic import BaseModel, ConfigDict, Field

MAX_KEY_LENGTH: Final = 255
KEY_PATTERN: Final = r"^[!-~]+$"
"""Visible ASCII, no spaces (a UUID, ULID or base64 token fits): the header the route declares,
so a key a proxy might re-encode or trim never reaches the store."""


class IdempotencyRecord(BaseModel):
    """What the first request with a key produced; keys are scoped to one buyer."""

    model_config = ConfigDict(frozen=True)

    key: Annotated[str, Field(min_length=1, max_length=MAX_KEY_LENGTH)]
    buyer_id: str
    fingerprint: str
    order_ids: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class Replay:
    """A retry of an earlier request: answer with these orders instead of creating new ones."""

    order_ids: tuple[str, ...]


def request_fingerprint(buyer_id: str, body: Mapping[str, Any]) -> str:
    """SHA-256 hex of the buyer and body as canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(
        {"buyer_id": buyer_id, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_replay(record: IdempotencyRecord | None, fingerprint: str) -> Replay | None:
    """None for a new key; a Replay for a true retry; 422 when the key was used for another body."""
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise DomainError(
            code="idempotency-key-reused",
            message=Message(
                id="Idempotency-Key ini sudah dipakai untuk pesanan yang berbeda.",
                en="This Idempotency-Key was already used for a different order request.",
            ),
            status=422,
            extra={"idempotency_key": record.key},
        )
    return Replay(order_ids=record.order_ids)
