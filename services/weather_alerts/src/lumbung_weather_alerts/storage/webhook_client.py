"""POST one signed webhook to an address the guard has checked, and nowhere else.

The request goes to the checked IP itself (the URL's host becomes the Host header and, for
https, the TLS server name), so a DNS answer that changes between check and connect cannot
redirect us. Redirects are not followed, proxies from the environment are not used, and the
response body is never read: a subscriber cannot make us fetch or buffer anything.

Kept in `storage/` beside the repositories: storage is where this service's adapters to the
outside world live (the database, and here the agencies' receivers), so the delivery use case
reaches the network the way it reaches the store, and the domain's rules (`domain.ssrf`,
`domain.webhooks`) stay pure.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from ipaddress import IPv6Address
from urllib.parse import urlsplit, urlunsplit

import httpx

from lumbung_weather_alerts.domain.ssrf import IPAddress

USER_AGENT = "Lumbung-Webhooks/1.0"


@dataclass(frozen=True)
class AttemptResult:
    """One delivery attempt as the delivery log records it."""

    status_code: int | None
    latency_ms: int
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def pinned_url(url: str, address: IPAddress) -> tuple[str, str]:
    """The URL with its host replaced by `address`, and the original Host header value."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if isinstance(address, IPv6Address) else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = f"{host}:{parts.port}" if parts.port else host
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]:{parts.port}" if parts.port else f"[{host}]"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    return pinned, host_header


async def post_pinned(
    url: str,
    address: IPAddress,
    body: bytes,
    headers: dict[str, str],
    timeout_seconds: float,
) -> AttemptResult:
    """Send the webhook to `address`; any failure is a result, never an exception."""
    target, host_header = pinned_url(url, address)
    host = urlsplit(url).hostname or ""
    extensions = {"sni_hostname": host} if urlsplit(url).scheme == "https" else {}
    all_headers = {
        **headers,
        "Host": host_header,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    started = time.monotonic()
    try:
        async with httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds), trust_env=False, follow_redirects=False
        ) as client:
            request = client.build_request(
                "POST", target, content=body, headers=all_headers, extensions=extensions
            )
            response = await client.send(request, stream=True)
            await response.aclose()
    except httpx.HTTPError as exc:
        return AttemptResult(None, _elapsed_ms(started), f"{type(exc).__name__}: {exc}"[:300])
    return AttemptResult(response.status_code, _elapsed_ms(started), None)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
