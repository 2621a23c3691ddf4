"""Who the caller's address is, for the per-address limits.

`X-Forwarded-For` is believed only from configured proxies (the load balancer); otherwise
anyone could pick a fresh address per request and walk around the per-IP limits.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ADDRESS_LENGTH = 64


@dataclass(frozen=True)
class TrustedProxies:
    """The peers whose `X-Forwarded-For` the gateway believes."""

    addresses: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, setting: str) -> TrustedProxies:
        """From the comma-separated setting; blanks ignored."""
        return cls(frozenset(p.strip() for p in setting.split(",") if p.strip()))

    def client_address(self, peer: str, forwarded_for: str) -> str:
        """The peer, or the last untrusted hop of `forwarded_for` when the peer is trusted."""
        if peer not in self.addresses:
            return peer
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in self.addresses:
                return hop[:MAX_ADDRESS_LENGTH]
        return peer
