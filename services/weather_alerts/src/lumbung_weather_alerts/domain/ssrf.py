"""Which webhook URLs we are willing to call: a pure policy against server-side request forgery.

A subscriber chooses the URL we POST alerts to; without this policy it could point us at our
own Mongo, Kafka or a cloud metadata service (169.254.169.254). The caller resolves the host
(we do no DNS here) and must pass EVERY resolved address: one refused address refuses the URL,
because the HTTP client may connect to any of them. The caller must then connect to one of
exactly these checked addresses, or a second resolution could return a different one.

Addresses are refused by a table of special-purpose networks (IANA registries), most specific
first; IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by that
embedded IPv4 address; anything else that is not globally routable is refused as reserved.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

from lumbung_shared.errors import DomainError, Message

IPAddress = IPv4Address | IPv6Address


class Refusal(StrEnum):
    """Why an address or URL is refused."""

    LOOPBACK = "loopback"
    PRIVATE = "private"
    LINK_LOCAL = "link_local"
    MULTICAST = "multicast"
    UNSPECIFIED = "unspecified"
    RESERVED = "reserved"
    SHARED_CGNAT = "shared_cgnat"
    BROADCAST = "broadcast"
    SCHEME = "scheme"
    CREDENTIALS = "credentials"
    NO_HOST = "no_host"
    UNRESOLVED = "unresolved"


_V4_TABLE: tuple[tuple[IPv4Network, Refusal], ...] = tuple(
    (IPv4Network(net), reason)
    for net, reason in (
        ("255.255.255.255/32", Refusal.BROADCAST),
        ("0.0.0.0/8", Refusal.UNSPECIFIED),
        ("10.0.0.0/8", Refusal.PRIVATE),
        ("100.64.0.0/10", Refusal.SHARED_CGNAT),
        ("127.0.0.0/8", Refusal.LOOPBACK),
        ("169.254.0.0/16", Refusal.LINK_LOCAL),
        ("172.16.0.0/12", Refusal.PRIVATE),
        ("192.0.0.0/24", Refusal.RESERVED),
        ("192.0.2.0/24", Refusal.RESERVED),
        ("192.88.99.0/24", Refusal.RESERVED),
        ("192.168.0.0/16", Refusal.PRIVATE),
        ("198.18.0.0/15", Refusal.RESERVED),
        ("198.51.100.0/24", Refusal.RESERVED),
        ("203.0.113.0/24", Refusal.RESERVED),
        ("224.0.0.0/4", Refusal.MULTICAST),
        ("240.0.0.0/4", Refusal.RESERVED),
    )
)

_V6_TABLE: tuple[tuple[IPv6Network, Refusal], ...] = tuple(
    (IPv6Network(net), reason)
    for net, reason in (
        ("::/128", Refusal.UNSPECIFIED),
        ("::1/128", Refusal.LOOPBACK),
        ("::/96", Refusal.RESERVED),  # deprecated IPv4-compatible addresses
        ("64:ff9b:1::/48", Refusal.PRIVATE),  # local-use NAT64
        ("100::/64", Refusal.RESERVED),  # discard-only
        ("2001::/32", Refusal.RESERVED),  # Teredo: the embedded client cannot be trusted
        ("2001:db8::/32", Refusal.RESERVED),  # documentation
        ("fc00::/7", Refusal.PRIVATE),  # unique local
        ("fe80::/10", Refusal.LINK_LOCAL),
        ("fec0::/10", Refusal.PRIVATE),  # deprecated site-local
        ("ff00::/8", Refusal.MULTICAST),
    )
)

_NAT64 = IPv6Network("64:ff9b::/96")


def classify(ip: IPAddress) -> Refusal | None:
    """The reason to refuse connecting to `ip`, or None when it is a public unicast address."""
    if isinstance(ip, IPv4Address):
        return _classify_v4(ip)
    embedded = _embedded_v4(ip)
    if embedded is not None:
        return _classify_v4(embedded)
    for network, reason in _V6_TABLE:
        if ip in network:
            return reason
    return None if ip.is_global else Refusal.RESERVED


def _classify_v4(ip: IPv4Address) -> Refusal | None:
    for network, reason in _V4_TABLE:
        if ip in network:
            return reason
    return None if ip.is_global else Refusal.RESERVED


def _embedded_v4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (IPv4-mapped, NAT64 or 6to4), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


_HOST = r"(?:(?:[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+|\[[0-9A-Fa-f:.]+\])"
_PORT = r"(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_REST = rf"(?:/(?:{_PCHAR}|/)*)?(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"


def url_pattern(*, require_https: bool) -> str:
    """The part of this policy a JSON Schema `pattern` can state, for the published contract.

    The scheme, a host with no credentials (no `@` before it), a port from 0 to 65535 and
    RFC 3986 characters only. Where the host resolves to is the rest of the policy
    (`check_url`); no pattern can say that.
    """
    scheme = "https" if require_https else "https?"
    return f"^{scheme}://{_HOST}{_PORT}{_REST}$"


def check_url(
    url: str,
    resolved_ips: Sequence[IPAddress],
    *,
    allow_loopback_for_tests: bool = False,
    require_https: bool = True,
    allow_list: Collection[str] = frozenset(),
) -> None:
    """Refuse (raise `UnsafeUrlError`) unless `url` may be called at all of `resolved_ips`.

    `allow_loopback_for_tests` and `allow_list` (exact addresses such as "127.0.0.1") exist so
    tests can deliver to a local receiver; production code leaves both at their defaults.
    """
    host = _checked_host(url, require_https=require_https)
    addresses = list(resolved_ips)
    literal = _ip_literal(host)
    if literal is not None:
        addresses.append(literal)
    if not addresses:
        raise UnsafeUrlError(Refusal.UNRESOLVED)
    for address in addresses:
        reason = classify(address)
        if reason is None or str(address) in allow_list:
            continue
        if reason is Refusal.LOOPBACK and allow_loopback_for_tests:
            continue
        raise UnsafeUrlError(reason, address=str(address))


def _checked_host(url: str, *, require_https: bool) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:  # a bracketed host that is no IPv6 address, e.g. "https://[a.b]/"
        raise UnsafeUrlError(Refusal.NO_HOST) from None
    allowed = ("https",) if require_https else ("https", "http")
    if parts.scheme.lower() not in allowed:
        raise UnsafeUrlError(Refusal.SCHEME)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrlError(Refusal.CREDENTIALS)
    try:
        _ = parts.port  # reading .port validates it: out-of-range ports raise
    except ValueError:
        raise UnsafeUrlError(Refusal.NO_HOST) from None
    if not parts.hostname:
        raise UnsafeUrlError(Refusal.NO_HOST)
    return parts.hostname


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


class UnsafeUrlError(DomainError):
    """The webhook URL would make us call somewhere we must not (422)."""

    def __init__(self, reason: Refusal, address: str | None = None) -> None:
        extra: dict[str, str] = {"reason": reason.value}
        if address is not None:
            extra["address"] = address
        super().__init__(
            code="unsafe-webhook-url",
            message=Message(
                id=(
                    "URL webhook ditolak: harus https publik tanpa kredensial dan tidak "
                    "menuju alamat lokal atau privat."
                ),
                en=(
                    "Webhook URL refused: it must be public https without credentials and "
                    "must not point to a local or private address."
                ),
            ),
            status=422,
            extra=extra,
        )
