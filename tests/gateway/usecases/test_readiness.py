"""Specification: ready means every check passes; a failing check is named with its reason."""

from __future__ import annotations

from lumbung_gateway.usecases.readiness import Readiness


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
