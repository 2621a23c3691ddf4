"""Specification: ready means the gateway's own checks pass; a failing check is named with its
reason; the services behind it are reported up or down and never make the gateway unready."""

from __future__ import annotations

from lumbung_gateway.usecases.readiness import Readiness, UpstreamHealth


async def _fine() -> str | None:
    return None


async def _down() -> str | None:
    return "ConnectError"


class TestReadiness:
    async def test_no_failures_when_every_check_passes(self) -> None:
        readiness = Readiness({"mongo": _fine, "orders": _fine})
        assert await readiness.failures() == {}
        assert readiness.names == ["mongo", "orders"]

    async def test_failures_name_the_check_and_its_reason(self) -> None:
        readiness = Readiness({"mongo": _fine, "orders": _down})
        assert await readiness.failures() == {"orders": "ConnectError"}


class TestUpstreamsAreReportedNotRequired:
    async def test_a_service_down_leaves_the_gateway_ready(self) -> None:
        readiness = Readiness({"mongo": _fine}, {"orders": _fine, "weather_alerts": _down})

        report = await readiness.report()

        assert report.ready
        assert report.failures == {}
        assert report.upstreams == {
            "orders": UpstreamHealth.UP,
            "weather_alerts": UpstreamHealth.DOWN,
        }
        assert readiness.names == ["mongo"]

    async def test_its_own_store_down_makes_it_unready_with_the_services_still_reported(
        self,
    ) -> None:
        readiness = Readiness({"mongo": _down}, {"orders": _fine})

        report = await readiness.report()

        assert not report.ready
        assert report.failures == {"mongo": "ConnectError"}
        assert report.upstreams == {"orders": UpstreamHealth.UP}
