"""Tiny HTTP/1.1 servers on 127.0.0.1 for the tests: a webhook receiver and a forecast feed.

Built on `asyncio.start_server` in the test's own event loop, so the service (a separate
process) reaches them over real TCP while the test awaits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

Reply = tuple[int, bytes, str]
"""Status, body and content type."""


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class TinyHttpServer:
    """Answers every request with `respond(request)` and records it."""

    respond: Callable[[Received], Reply]
    port: int = 0
    delay: float = 0.0
    """How long the server takes to answer (a slow receiver)."""
    received: list[Received] = field(default_factory=list)
    _server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await _read_request(reader)
            if request is None:
                return
            self.received.append(request)
            status, body, content_type = self.respond(request)
            if self.delay:
                await asyncio.sleep(self.delay)  # the slowness is the behaviour under test
            head = (
                f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
        finally:
            writer.close()


async def _read_request(reader: asyncio.StreamReader) -> Received | None:
    line = await reader.readline()
    if not line:
        return None
    method, path, _ = line.decode().split(" ", 2)
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return Received(method, path, headers, body)


class FlakyReceiver(TinyHttpServer):
    """A webhook receiver that answers 500 to its first `failures` requests, then 200."""

    def __init__(
        self, failures: int = 0, status_when_failing: int = 500, delay: float = 0.0
    ) -> None:
        super().__init__(respond=self._reply, delay=delay)
        self.failures = failures
        self.status_when_failing = status_when_failing

    def _reply(self, request: Received) -> Reply:
        del request
        if len(self.received) <= self.failures:
            return self.status_when_failing, b"down", "text/plain"
        return 200, b"ok", "text/plain"


class FeedServer(TinyHttpServer):
    """Serves whatever `content` currently holds (the forecast feed file)."""

    def __init__(self, port: int) -> None:
        super().__init__(respond=self._reply, port=port)
        self.content = b"{}"

    def _reply(self, request: Received) -> Reply:
        del request
        return 200, self.content, "application/json"
