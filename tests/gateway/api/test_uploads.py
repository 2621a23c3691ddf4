"""Specification: a photo upload streams through to its service, and one over the upload limit
is a 413 naming the limit, even when it declares no length; the service is not blamed for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from tests.gateway.fake_upstreams import fake_gateway

MULTIPART = {"Content-Type": "multipart/form-data; boundary=panen"}
UPLOAD_LIMIT = 1024 * 1024  # the fake gateway's `max_upload_bytes`
CHUNK = b"0" * (64 * 1024)


async def _chunks(count: int) -> AsyncIterator[bytes]:
    """A body of unknown length (chunked), as a phone streaming a photo sends it."""
    for _ in range(count):
        yield CHUNK


class TestUploads:
    async def test_an_upload_reaches_the_service_whole(self) -> None:
        async with fake_gateway() as gateway:
            headers = {**gateway.bearer("farmer"), **MULTIPART}
            answer = await gateway.client.post(
                "/v1/listings/x/photos", content=_chunks(4), headers=headers
            )
            (sent,) = gateway.services["listings"].received

        assert answer.status_code == 200, answer.text
        assert sent.content == CHUNK * 4

    async def test_a_streamed_upload_over_the_limit_is_a_413(self) -> None:
        async with fake_gateway() as gateway:
            headers = {**gateway.bearer("farmer"), **MULTIPART}
            over = UPLOAD_LIMIT // len(CHUNK) + 2
            refused = [
                await gateway.client.post(
                    "/v1/listings/x/photos", content=_chunks(over), headers=headers
                )
                for _ in range(4)
            ]
            after = await gateway.client.get("/v1/listings/x", headers=gateway.bearer("buyer"))

        assert [r.status_code for r in refused] == [413] * 4
        assert refused[0].json()["max_bytes"] == UPLOAD_LIMIT
        assert refused[0].json()["type"].endswith("/body-too-large")
        # Four refusals in a row would have opened the circuit (three failures) had they counted.
        assert after.status_code == 200
