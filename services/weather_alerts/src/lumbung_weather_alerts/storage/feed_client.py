"""GET one feed document through the SSRF guard, bounded in time and size.

The fishing-ground feed URL is configuration, not a caller's input, but it is still a URL we
fetch from inside the network: the guard (`storage.webhook_guard`, the service's one policy:
https only and no private addresses unless the deployment's allow-list says so) resolves and
checks it, and the request goes to the checked address itself (`webhook_client.pinned_url`),
so a DNS answer that changes in between cannot point it elsewhere. Redirects are not followed,
proxies from the environment are not used, anything but 200 is refused, and the body is read
up to a bound and no further.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from lumbung_weather_alerts.storage.webhook_client import pinned_url
from lumbung_weather_alerts.storage.webhook_guard import UrlGuard

USER_AGENT = "Lumbung-Feeds/1.0"


class FeedFetchError(Exception):
    """The feed answered, but not with a document we take (status, size)."""


async def fetch_guarded(url: str, guard: UrlGuard, timeout_seconds: float, max_bytes: int) -> bytes:
    """The body of `url`; `UnsafeUrlError`, `httpx.HTTPError` or `FeedFetchError` otherwise."""
    addresses = await guard.check(url)
    target, host_header = pinned_url(url, addresses[0])
    parts = urlsplit(url)
    extensions = {"sni_hostname": parts.hostname or ""} if parts.scheme == "https" else {}
    headers = {"Accept": "application/json", "Host": host_header, "User-Agent": USER_AGENT}
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds), trust_env=False, follow_redirects=False
    ) as client:
        request = client.build_request("GET", target, headers=headers, extensions=extensions)
        response = await client.send(request, stream=True)
        try:
            if response.status_code != 200:
                raise FeedFetchError(f"HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise FeedFetchError("feed too large")
            return bytes(body)
        finally:
            await response.aclose()
