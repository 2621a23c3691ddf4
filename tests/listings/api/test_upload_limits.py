"""An oversize upload is refused while it streams in, not after it has been read to the end.

Through the gateway the body arrives buffered with a Content-Length (checked before reading);
a client talking chunked HTTP gives no length, so the service counts bytes as they arrive.
These tests drive the upload reader with an ASGI `receive` that counts what was pulled.
"""

from __future__ import annotations

from typing import Any

import pytest
from lumbung_listings.api.photos import MAX_UPLOAD_BYTES, read_photo_upload
from lumbung_shared.errors import DomainError
from starlette.requests import Request

CHUNK = 64 * 1024
HEAD = b'--b\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n\r\n'


def upload_request(chunks: int, headers: dict[str, str]) -> tuple[Request, list[int]]:
    """A request whose body is `chunks` chunks of 64 KiB; the list counts chunks pulled."""
    pulled = [0]

    async def receive() -> dict[str, Any]:
        pulled[0] += 1
        body = HEAD if pulled[0] == 1 else b"\xff" * CHUNK
        return {"type": "http.request", "body": body, "more_body": pulled[0] < chunks}

    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    scope = {"type": "http", "method": "POST", "path": "/", "headers": raw, "query_string": b""}
    return Request(scope, receive), pulled


class TestOversizeUploads:
    async def test_a_chunked_upload_is_cut_off_just_past_the_limit(self) -> None:
        request, pulled = upload_request(
            400, {"content-type": "multipart/form-data; boundary=b"}
        )  # 25 MiB on offer
        with pytest.raises(DomainError) as refused:
            await read_photo_upload(request)
        assert refused.value.status == 413
        assert pulled[0] * CHUNK <= MAX_UPLOAD_BYTES + 2 * CHUNK

    async def test_a_declared_oversize_length_is_refused_before_reading(self) -> None:
        request, pulled = upload_request(
            400,
            {
                "content-type": "multipart/form-data; boundary=b",
                "content-length": str(25 * 1024 * 1024),
            },
        )
        with pytest.raises(DomainError) as refused:
            await read_photo_upload(request)
        assert refused.value.status == 413
        assert pulled[0] == 0

    async def test_a_form_without_multipart_is_415(self) -> None:
        request, _ = upload_request(1, {"content-type": "image/jpeg"})
        with pytest.raises(DomainError) as refused:
            await read_photo_upload(request)
        assert refused.value.status == 415
