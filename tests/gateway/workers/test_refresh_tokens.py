"""Specification: expired tokens are purged on a supervised loop that survives a failed pass."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, cast

from lumbung_gateway.storage.refresh_tokens import RefreshTokenRepository
from lumbung_gateway.workers.refresh_tokens import purge_expired_refresh_tokens

from tests.support.polling import eventually


class _Repository:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.purged_at: list[datetime] = []

    async def purge_expired(self, now: datetime) -> int:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("store down")
        self.purged_at.append(now)
        return 0


class TestPurgeLoop:
    async def test_purges_with_the_current_time_after_a_failed_pass(self) -> None:
        repository = _Repository(failures=1)
        loop = purge_expired_refresh_tokens(
            cast(RefreshTokenRepository, cast(Any, repository)), every_seconds=0.01
        )
        task = asyncio.create_task(loop())
        try:
            purged = await eventually(lambda: _purged(repository), within=5.0, interval=0.01)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        assert repository.failures == 0
        assert purged[0].tzinfo is not None


async def _purged(repository: _Repository) -> list[datetime] | None:
    """The purge times once a pass has succeeded after the failed one."""
    return repository.purged_at or None
