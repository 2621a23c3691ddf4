"""Specification: a service's answer reaches the caller byte for byte, small or streamed.

A small answer of declared length is read whole and passed on with its length; a large one, or
one of unknown length (an event stream), is passed on as it comes.
"""

from __future__ import annotations

import httpx

from tests.gateway.fake_upstreams import fake_gateway

LARGE = bytes(range(256)) * 1024  # 256 KiB: above what the gateway reads whole


def _photo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=LARGE, headers={"content-type": "image/jpeg"})


def _events(request: httpx.Request) -> httpx.Response:
    stream = httpx.ByteStream(b"id: 1\ndata: {}\n\n")  # no Content-Length, like an SSE stream
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)


def _linked(request: httpx.Request) -> httpx.Response:
    links = [("link", '</v1/listings?page=2>; rel="next"'), ("link", '</v1/listings>; rel="first"')]
    return httpx.Response(200, json=[], headers=[*links, ("server", "uvicorn")])


def _not_found(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"type": "x", "status": 404}, headers={"etag": '"v1"'})


class TestAnswersPassThrough:
    async def test_a_small_answer_keeps_status_headers_body_and_length(self) -> None:
        async with fake_gateway({"listings": _not_found}) as gateway:
            answer = await gateway.client.get("/v1/listings/x", headers=gateway.bearer("buyer"))

        assert answer.status_code == 404
        assert answer.json() == {"type": "x", "status": 404}
        assert answer.headers["etag"] == '"v1"'
        assert answer.headers["content-length"] == str(len(answer.content))

    async def test_a_large_answer_arrives_whole(self) -> None:
        async with fake_gateway({"listings": _photo}) as gateway:
            answer = await gateway.client.get(
                "/v1/listings/x/photos/p", headers=gateway.bearer("buyer")
            )

        assert answer.status_code == 200
        assert answer.headers["content-type"] == "image/jpeg"
        assert answer.content == LARGE

    async def test_an_event_stream_is_passed_on_without_a_length(self) -> None:
        async with fake_gateway({"weather_alerts": _events}) as gateway:
            answer = await gateway.client.get("/v1/alerts/stream", headers=gateway.bearer("buyer"))

        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/event-stream"
        assert "content-length" not in answer.headers
        assert answer.content == b"id: 1\ndata: {}\n\n"

    async def test_repeated_headers_all_arrive_and_the_server_banner_does_not(self) -> None:
        async with fake_gateway({"listings": _linked}) as gateway:
            answer = await gateway.client.get("/v1/listings", headers=gateway.bearer("buyer"))

        assert answer.headers.get_list("link") == [
            '</v1/listings?page=2>; rel="next"',
            '</v1/listings>; rel="first"',
        ]
        assert "server" not in answer.headers
