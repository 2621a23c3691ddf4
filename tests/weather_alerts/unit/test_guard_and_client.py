"""The SSRF guard at the network edge and the pinned webhook request, without a network.

The DNS answers are named by each test (the guard takes a resolver), so a host that resolves
to a private address can be specified exactly, as a rebinding attacker would arrange it.
"""

from __future__ import annotations

from ipaddress import ip_address

import pytest
from lumbung_weather_alerts.domain.ssrf import IPAddress, UnsafeUrlError
from lumbung_weather_alerts.storage.webhook_client import pinned_url
from lumbung_weather_alerts.storage.webhook_guard import UrlGuard, resolve

PUBLIC = ip_address("93.184.216.34")


def answers(*addresses: str) -> object:
    async def resolver(host: str | None, port: int) -> list[IPAddress]:
        del host, port
        return [ip_address(a) for a in addresses]

    return resolver


def guard(*addresses: str, require_https: bool = True, allow: tuple[str, ...] = ()) -> UrlGuard:
    return UrlGuard(
        require_https=require_https,
        allow_list=allow,
        resolver=answers(*addresses),  # type: ignore[arg-type]
    )


class TestUrlGuard:
    async def test_public_https_host_passes_and_returns_the_checked_addresses(self) -> None:
        assert await guard(str(PUBLIC)).check("https://agency.example/hook") == [PUBLIC]

    @pytest.mark.parametrize(
        ("addresses", "reason"),
        [
            (("10.1.2.3",), "private"),
            (("93.184.216.34", "127.0.0.1"), "loopback"),  # one bad answer refuses the URL
            (("169.254.169.254",), "link_local"),
            (("::ffff:192.168.0.1",), "private"),
            (("ff02::1",), "multicast"),
        ],
    )
    async def test_a_name_resolving_to_a_refused_address_is_refused(
        self, addresses: tuple[str, ...], reason: str
    ) -> None:
        with pytest.raises(UnsafeUrlError) as refused:
            await guard(*addresses).check("https://rebind.example/hook")
        assert refused.value.extra["reason"] == reason

    async def test_production_refuses_plain_http(self) -> None:
        with pytest.raises(UnsafeUrlError) as refused:
            await guard(str(PUBLIC)).check("http://agency.example/hook")
        assert refused.value.extra["reason"] == "scheme"

    async def test_allow_list_admits_exactly_the_listed_address(self) -> None:
        relaxed = guard("127.0.0.1", require_https=False, allow=("127.0.0.1",))
        assert await relaxed.check("http://127.0.0.1:9000/hook") == [ip_address("127.0.0.1")]
        with pytest.raises(UnsafeUrlError):
            await guard("127.0.0.2", require_https=False, allow=("127.0.0.1",)).check(
                "http://127.0.0.2/hook"
            )

    async def test_bad_port_and_unresolvable_hosts_are_refused(self) -> None:
        with pytest.raises(UnsafeUrlError):
            await guard(str(PUBLIC)).check("https://agency.example:99999/hook")
        with pytest.raises(UnsafeUrlError) as refused:
            await guard().check("https://nowhere.example/hook")
        assert refused.value.extra["reason"] == "unresolved"

    async def test_a_bracketed_host_that_is_no_ipv6_address_is_refused_not_an_error(
        self,
    ) -> None:
        with pytest.raises(UnsafeUrlError) as refused:
            await guard(str(PUBLIC)).check("https://[agency.example]/hook")
        assert refused.value.extra["reason"] == "no_host"

    async def test_system_resolver_resolves_ip_literals_to_themselves(self) -> None:
        assert await resolve("127.0.0.1", 80) == [ip_address("127.0.0.1")]
        assert await resolve(None, 80) == []


class TestPinnedUrl:
    def test_host_becomes_the_checked_address_and_moves_to_the_host_header(self) -> None:
        url, host = pinned_url("https://agency.example:8443/cap?x=1", PUBLIC)
        assert url == "https://93.184.216.34:8443/cap?x=1"
        assert host == "agency.example:8443"

    def test_ipv6_addresses_are_bracketed(self) -> None:
        url, host = pinned_url("https://agency.example/cap", ip_address("2001:4860::8888"))
        assert url == "https://[2001:4860::8888]/cap"
        assert host == "agency.example"
