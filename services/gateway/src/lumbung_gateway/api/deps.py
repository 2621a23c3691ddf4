"""Dependencies shared by the gateway's routes: the runtime, the client's address, the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from lumbung_gateway.runtime import GatewayRuntime


def gateway_runtime(request: Request) -> GatewayRuntime:
    """The process runtime from lifespan state."""
    runtime: GatewayRuntime = request.state.gateway
    return runtime


Runtime = Annotated[GatewayRuntime, Depends(gateway_runtime)]


def client_ip(request: Request, runtime: Runtime) -> str:
    """The caller's address: the peer, or the last untrusted hop of X-Forwarded-For.

    X-Forwarded-For is believed only from configured proxies (the load balancer); otherwise
    anyone could pick a fresh address per request and walk around the per-IP limits.
    """
    peer = request.client.host if request.client else "unknown"
    if peer not in runtime.trusted_proxies:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in runtime.trusted_proxies:
            return hop[:64]
    return peer


ClientIp = Annotated[str, Depends(client_ip)]


def _no_store(response: Response) -> None:
    """Tokens and keys must not sit in any cache (RFC 6749 section 5.1)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


NO_STORE = Depends(_no_store)
"""Route dependency for responses that carry a credential."""
