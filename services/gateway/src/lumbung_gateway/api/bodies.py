"""Request bodies bounded in size before they reach a service.

JSON and form bodies are small (settings `max_body_bytes`): they are read into memory, stopping
at the limit, so an idempotent request can be retried. Multipart bodies (photo uploads) may be
up to `max_upload_bytes` and are streamed through, counted chunk by chunk, never buffered whole.
A declared `Content-Length` over the limit is refused before a byte is read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import Request
from lumbung_shared.errors import DomainError, Message


@dataclass(frozen=True)
class BodyLimits:
    """The largest JSON/form body and the largest upload the gateway passes on (settings)."""

    max_body_bytes: int
    max_upload_bytes: int


class BodyTooLargeError(DomainError):
    """413 with the limit that applied, so a client can shrink the photo and retry."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            code="body-too-large",
            message=Message(
                id=f"Isi permintaan terlalu besar (maksimal {limit} byte).",
                en=f"Request body too large (at most {limit} bytes).",
            ),
            status=413,
            extra={"max_bytes": limit},
        )


def is_upload(request: Request) -> bool:
    """Multipart bodies are photo uploads and get the larger, streamed limit."""
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


def check_declared_length(request: Request, limit: int) -> None:
    """Refuse early when the client already says the body is too large."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(limit)


async def read_bounded(request: Request, limit: int) -> bytes:
    """The whole body, or a 413 as soon as it passes `limit` bytes."""
    check_declared_length(request, limit)
    if not has_body(request):
        return b""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def has_body(request: Request) -> bool:
    """HTTP/1.1 framing: without Content-Length or Transfer-Encoding a request has no body.

    Most proxied requests are GETs; not waiting on the ASGI receive channel for them saves a
    round through the body-limit middleware per request.
    """
    headers = request.headers
    return headers.get("content-length", "0") != "0" or "transfer-encoding" in headers


async def stream_bounded(request: Request, limit: int) -> AsyncIterator[bytes]:
    """The body chunk by chunk, raising a 413 error once more than `limit` bytes came."""
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(limit)
        if chunk:
            yield chunk
