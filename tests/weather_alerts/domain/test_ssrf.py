"""Webhook URLs may only lead to public addresses: the SSRF policy."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv6Address, ip_address

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lumbung_weather_alerts.domain.ssrf import (
    Refusal,
    UnsafeUrlError,
    check_url,
    classify,
    url_pattern,
)

PUBLIC_V4 = ip_address("93.184.216.34")
PUBLIC_V6 = ip_address("2606:2800:220:1:248:1893:25c8:1946")


class TestAddressClassification:
    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("127.0.0.1", Refusal.LOOPBACK),
            ("127.8.8.8", Refusal.LOOPBACK),
            ("::1", Refusal.LOOPBACK),
            ("10.0.0.1", Refusal.PRIVATE),
            ("172.16.0.1", Refusal.PRIVATE),
            ("172.31.255.254", Refusal.PRIVATE),
            ("192.168.1.1", Refusal.PRIVATE),
            ("fc00::1", Refusal.PRIVATE),
            ("fd12:3456::1", Refusal.PRIVATE),
            ("169.254.169.254", Refusal.LINK_LOCAL),
            ("fe80::1", Refusal.LINK_LOCAL),
            ("100.64.0.1", Refusal.SHARED_CGNAT),
            ("100.127.255.254", Refusal.SHARED_CGNAT),
            ("224.0.0.1", Refusal.MULTICAST),
            ("ff02::1", Refusal.MULTICAST),
            ("0.0.0.0", Refusal.UNSPECIFIED),  # noqa: S104 - an address under test, not a bind
            ("::", Refusal.UNSPECIFIED),
            ("255.255.255.255", Refusal.BROADCAST),
            ("240.0.0.1", Refusal.RESERVED),
            ("192.0.2.1", Refusal.RESERVED),
            ("2001:db8::1", Refusal.RESERVED),
            ("::ffff:127.0.0.1", Refusal.LOOPBACK),
            ("::ffff:10.0.0.1", Refusal.PRIVATE),
            ("::ffff:169.254.169.254", Refusal.LINK_LOCAL),
            ("64:ff9b::a00:1", Refusal.PRIVATE),  # NAT64 of 10.0.0.1
            ("64:ff9b::7f00:1", Refusal.LOOPBACK),  # NAT64 of 127.0.0.1
            ("2002:c0a8:101::1", Refusal.PRIVATE),  # 6to4 of 192.168.1.1
            ("2002:a9fe:a9fe::1", Refusal.LINK_LOCAL),  # 6to4 of 169.254.169.254
            ("2001::1", Refusal.RESERVED),  # Teredo
        ],
    )
    def test_refused_classes(self, address: str, reason: Refusal) -> None:
        assert classify(ip_address(address)) is reason

    @pytest.mark.parametrize(
        "address",
        [
            "93.184.216.34",
            "8.8.8.8",
            "2606:2800:220:1:248:1893:25c8:1946",
            "::ffff:93.184.216.34",
            "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
            "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
        ],
    )
    def test_public_addresses_are_accepted(self, address: str) -> None:
        assert classify(ip_address(address)) is None


class TestUrlPolicy:
    def test_public_https_url_is_accepted(self) -> None:
        check_url("https://dinas.example.go.id/hooks/cap", [PUBLIC_V4, PUBLIC_V6])

    @pytest.mark.parametrize(
        ("url", "reason"),
        [
            ("http://dinas.example.go.id/hook", Refusal.SCHEME),
            ("ftp://dinas.example.go.id/hook", Refusal.SCHEME),
            ("file:///etc/passwd", Refusal.SCHEME),
            ("https://user:pw@dinas.example.go.id/hook", Refusal.CREDENTIALS),
            ("https://user@dinas.example.go.id/hook", Refusal.CREDENTIALS),
            ("https:///hook", Refusal.NO_HOST),
            ("https://dinas.example.go.id:99999/hook", Refusal.NO_HOST),
            ("https://[dinas.example]/hook", Refusal.NO_HOST),
        ],
    )
    def test_malformed_or_unsafe_urls_are_refused(self, url: str, reason: Refusal) -> None:
        with pytest.raises(UnsafeUrlError) as raised:
            check_url(url, [PUBLIC_V4])
        assert raised.value.extra["reason"] == reason.value
        assert raised.value.status == 422

    def test_plain_http_is_allowed_only_when_https_is_not_required(self) -> None:
        check_url("http://dinas.example.go.id/hook", [PUBLIC_V4], require_https=False)

    def test_one_private_address_among_public_ones_refuses_the_url(self) -> None:
        with pytest.raises(UnsafeUrlError) as raised:
            check_url("https://rebind.example/hook", [PUBLIC_V4, ip_address("10.0.0.1")])
        assert raised.value.extra == {"reason": "private", "address": "10.0.0.1"}

    def test_no_resolved_address_is_refused(self) -> None:
        with pytest.raises(UnsafeUrlError) as raised:
            check_url("https://nowhere.example/hook", [])
        assert raised.value.extra["reason"] == "unresolved"

    def test_ip_literal_host_is_checked_itself(self) -> None:
        with pytest.raises(UnsafeUrlError):
            check_url("https://169.254.169.254/latest/meta-data", [PUBLIC_V4])

    def test_refusal_message_is_bilingual(self) -> None:
        with pytest.raises(UnsafeUrlError) as raised:
            check_url("https://x.example/", [ip_address("127.0.0.1")])
        assert raised.value.message.id != raised.value.message.en


class TestTestOnlyExceptions:
    LOCAL = IPv4Address("127.0.0.1")

    def test_loopback_is_refused_by_default(self) -> None:
        with pytest.raises(UnsafeUrlError):
            check_url("http://127.0.0.1:8080/hook", [self.LOCAL], require_https=False)

    def test_allow_list_admits_exactly_the_listed_address(self) -> None:
        url = "http://127.0.0.1:8080/hook"
        check_url(url, [self.LOCAL], require_https=False, allow_list={"127.0.0.1"})
        with pytest.raises(UnsafeUrlError):
            check_url(
                "http://localhost/hook",
                [self.LOCAL, IPv6Address("::1")],
                require_https=False,
                allow_list={"127.0.0.1"},
            )

    def test_loopback_flag_admits_loopback_but_nothing_private(self) -> None:
        check_url(
            "http://localhost/h",
            [self.LOCAL, IPv6Address("::1")],
            require_https=False,
            allow_loopback_for_tests=True,
        )
        with pytest.raises(UnsafeUrlError):
            check_url(
                "http://svc/h",
                [IPv4Address("10.0.0.1")],
                require_https=False,
                allow_loopback_for_tests=True,
            )


HTTPS_ONLY = url_pattern(require_https=True)


class TestStatedPattern:
    """The part of the policy the published contract states as a `pattern`."""

    @pytest.mark.parametrize(
        "url",
        [
            "https://dinas.example.go.id/hooks/cap",
            "https://bpbd.example.go.id:8443/hook?zona=selat-bali#cap",
            "https://93.184.216.34/hook",
            "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
            "https://dinas.example.go.id:65535",
        ],
    )
    def test_matches_the_urls_the_policy_takes(self, url: str) -> None:
        assert re.fullmatch(HTTPS_ONLY, url)

    @pytest.mark.parametrize(
        "url",
        [
            "http://dinas.example.go.id/hook",
            "file:///etc/passwd",
            "https://user:pw@dinas.example.go.id/hook",
            "https://user@dinas.example.go.id/hook",
            "https:///hook",
            "https://dinas.example.go.id:65536/hook",
            "https://dinas.example.go.id/hook dengan spasi",
        ],
    )
    def test_refuses_the_shapes_the_policy_refuses(self, url: str) -> None:
        assert re.fullmatch(HTTPS_ONLY, url) is None

    def test_plain_http_is_stated_only_where_https_is_not_required(self) -> None:
        assert re.fullmatch(url_pattern(require_https=False), "http://127.0.0.1:9/cap")

    @given(st.from_regex(HTTPS_ONLY, fullmatch=True))
    def test_a_matching_url_is_never_refused_for_scheme_or_credentials(self, url: str) -> None:
        assert _refusal(url) not in {Refusal.SCHEME, Refusal.CREDENTIALS}


def _refusal(url: str) -> str | None:
    """Why the policy refuses `url` resolving to a public address, or None when it takes it."""
    try:
        check_url(url, [PUBLIC_V4])
    except UnsafeUrlError as refused:
        return refused.extra["reason"]
    return None
