"""The SSRF guard at the network edge: resolve a webhook host, then let `domain.ssrf` judge.

Run at registration and again before every delivery: DNS answers change (rebinding), so an
address that was public yesterday is checked again today. The addresses returned are the ones
the caller must connect to; resolving a second time could hand back a different one.

An adapter (DNS) like `storage.webhook_client`, so it lives in `storage/` too: the use cases
that register and deliver webhooks call it; the judging itself is `domain.ssrf`.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Collection
from ipaddress import ip_address
from urllib.parse import urlsplit

from lumbung_weather_alerts.domain.ssrf import IPAddress, Refusal, UnsafeUrlError, check_url

Resolver = Callable[[str | None, int], Awaitable[list[IPAddress]]]
"""Host and port to addresses; the system resolver unless a test names its own DNS answers."""

MAX_URL_LENGTH = 2048
RESOLVE_TIMEOUT_SECONDS = 5.0


class UrlGuard:
    """Resolves and checks webhook URLs under the service's policy."""

    def __init__(
        self,
        *,
        require_https: bool,
        allow_list: Collection[str],
        resolver: Resolver | None = None,
    ) -> None:
        self._require_https = require_https
        self._allow_list = frozenset(allow_list)
        self._resolve = resolver or resolve

    async def check(self, url: str) -> list[IPAddress]:
        """Every address `url`'s host resolves to, all of them allowed; else `UnsafeUrlError`."""
        if len(url) > MAX_URL_LENGTH:
            raise UnsafeUrlError(Refusal.NO_HOST)
        try:
            parts = urlsplit(url)  # raises for a bracketed host that is no IPv6 address
            port = parts.port
        except ValueError:
            raise UnsafeUrlError(Refusal.NO_HOST) from None
        addresses = await self._resolve(parts.hostname, port or _default_port(parts.scheme))
        check_url(
            url,
            addresses,
            require_https=self._require_https,
            allow_list=self._allow_list,
        )
        if not addresses:
            raise UnsafeUrlError(Refusal.UNRESOLVED)
        return addresses


async def resolve(host: str | None, port: int) -> list[IPAddress]:
    """The host's addresses (an IP literal resolves to itself); empty when it does not resolve."""
    if not host:
        return []
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_SECONDS
        )
    except (OSError, TimeoutError, UnicodeError):
        return []
    found: list[IPAddress] = []
    for info in infos:
        address = ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def _default_port(scheme: str) -> int:
    return 443 if scheme.lower() == "https" else 80
