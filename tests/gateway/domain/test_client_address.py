"""Specification: X-Forwarded-For is believed only from a trusted proxy."""

from __future__ import annotations

from lumbung_gateway.domain.client_address import TrustedProxies

PROXIES = TrustedProxies.parse(" 10.0.0.1, ,10.0.0.2 ")


class TestClientAddress:
    def test_the_setting_ignores_blanks(self) -> None:
        assert PROXIES.addresses == frozenset({"10.0.0.1", "10.0.0.2"})

    def test_an_untrusted_peer_is_the_caller_whatever_it_forwards(self) -> None:
        assert PROXIES.client_address("203.0.113.9", "198.51.100.1") == "203.0.113.9"

    def test_behind_a_trusted_proxy_the_last_untrusted_hop_is_the_caller(self) -> None:
        forwarded = "198.51.100.7, 203.0.113.5, 10.0.0.2"
        assert PROXIES.client_address("10.0.0.1", forwarded) == "203.0.113.5"

    def test_only_trusted_hops_leave_the_peer(self) -> None:
        assert PROXIES.client_address("10.0.0.1", "10.0.0.2") == "10.0.0.1"
        assert PROXIES.client_address("10.0.0.1", "") == "10.0.0.1"

    def test_a_forwarded_address_is_bounded(self) -> None:
        assert PROXIES.client_address("10.0.0.1", "x" * 500) == "x" * 64
