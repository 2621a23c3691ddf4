"""The demo loader's HTTP client: the gateway on loopback only, bounded, patient with 429.

The loader speaks only to the gateway's public API, as a mobile client or agency would. It
keeps a handful of requests in flight (the stack runs on two cores, listings writes through one
store connection, and the gateway answers 503 to a request a service has not begun to answer
in 5 s) and, when told to slow down (429, or a 503 for a request no service acted on), waits
the `Retry-After` it was given. A 503 `upstream-timeout` is ambiguous (the service may still
act), so a request without an Idempotency-Key is then checked, not blindly sent again (`once`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx

IN_FLIGHT = 4
ATTEMPTS = 12
LONGEST_WAIT_SECONDS = 10.0
SETTLE_SECONDS = 3.0
"""How long a request the gateway gave up on may still take before we look whether it landed."""
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class DemoError(RuntimeError):
    """The stack refused what the demo asked; the message quotes its answer."""


def refused(what: str, response: httpx.Response) -> DemoError:
    """An error naming the step and quoting the gateway's answer."""
    return DemoError(f"{what}: {response.status_code} {response.text[:400]}")


def ambiguous(response: httpx.Response) -> bool:
    """The gateway stopped waiting for the service, which may still do what was asked."""
    return response.status_code == 503 and response.text.find("upstream-timeout") >= 0


def _retry_after(response: httpx.Response, idempotent: bool) -> float | None:
    """Seconds to wait before trying again, or None when this answer is final."""
    busy = response.status_code == 429
    # 503 + Retry-After: upstream busy or circuit open (nothing done), or a timeout (maybe done).
    unavailable = response.status_code == 503 and "retry-after" in response.headers
    if not (busy or (unavailable and (idempotent or not ambiguous(response)))):
        return None
    try:
        return min(LONGEST_WAIT_SECONDS, max(0.2, float(response.headers.get("retry-after", 1))))
    except ValueError:
        return 1.0


class Gateway:
    """Requests to one loopback gateway, at most `IN_FLIGHT` at a time, retried when throttled."""

    def __init__(self, base_url: str) -> None:
        host = urlsplit(base_url).hostname or ""
        if host not in LOOPBACK:
            raise DemoError(f"the demo loads only a local stack, not {base_url}")
        self.base_url = base_url
        self._client = httpx.AsyncClient(base_url=base_url, timeout=30, trust_env=False)
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self.requests = 0
        self.throttled = 0

    async def __aenter__(self) -> Gateway:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send once, or again after each `Retry-After`; the last answer otherwise."""
        idempotent = method == "GET" or "Idempotency-Key" in kwargs.get("headers", {})
        for _ in range(ATTEMPTS):
            async with self._slots:
                self.requests += 1
                response = await self._client.request(method, path, **kwargs)
            wait = _retry_after(response, idempotent)
            if wait is None:
                return response
            self.throttled += 1
            await asyncio.sleep(wait)
        return response

    async def expect(self, what: str, method: str, path: str, *ok: int, **kw: Any) -> Any:
        """The JSON of an answer with one of the `ok` statuses; DemoError otherwise."""
        response = await self.call(method, path, **kw)
        if response.status_code not in ok:
            raise refused(what, response)
        return response.json() if response.content else None

    async def once(
        self,
        what: str,
        send: Callable[[], Awaitable[httpx.Response]],
        landed: Callable[[], Awaitable[Any | None]],
        *ok: int,
    ) -> Any:
        """The JSON of `send()`'s answer; after an ambiguous timeout, `landed()`'s if it took
        effect meanwhile, else `send()` again (a listing or photo is never made twice)."""
        for _ in range(ATTEMPTS):
            response = await send()
            if response.status_code in ok:
                return response.json() if response.content else None
            if not ambiguous(response):
                break
            self.throttled += 1
            await asyncio.sleep(SETTLE_SECONDS)
            found = await landed()
            if found is not None:
                return found
        raise refused(what, response)


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a signed-in account."""
    return {"Authorization": f"Bearer {token}"}
