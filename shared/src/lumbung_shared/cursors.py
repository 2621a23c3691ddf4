"""Opaque page cursors: the sort key of the last item seen, as URL-safe base64 JSON.

Clients pass a cursor back unchanged; it is decoded here and checked by the caller, so a
tampered or truncated cursor is a bilingual 422 (as FastAPI answers any other invalid query
parameter), never a 500 or a silently wrong page.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from lumbung_shared.errors import DomainError, Message

MAX_CURSOR_LENGTH = 512
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
"""What every page cursor is made of (URL-safe base64), declared on each `cursor` parameter."""


class InvalidCursorError(DomainError):
    def __init__(self) -> None:
        super().__init__(
            code="invalid-cursor",
            message=Message(
                id="Kursor halaman tidak valid; mulai lagi dari halaman pertama.",
                en="The page cursor is not valid; start again from the first page.",
            ),
            status=422,
        )


def encode_cursor(key: dict[str, Any]) -> str:
    """`key` (JSON-serialisable) as an opaque cursor."""
    raw = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The key inside `cursor`, or `InvalidCursorError` when it is not one of ours."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursorError
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursorError from None
    if not isinstance(key, dict):
        raise InvalidCursorError
    return key
