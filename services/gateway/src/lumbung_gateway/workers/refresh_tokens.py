"""Delete expired refresh tokens hourly: FerretDB has no TTL indexes to do it for us."""

from __future__ import annotations

from lumbung_shared.clock import utc_now
from lumbung_shared.loops import Loop, every

from lumbung_gateway.storage.refresh_tokens import RefreshTokenRepository

PURGE_EVERY_SECONDS = 3600.0


def purge_expired_refresh_tokens(
    repository: RefreshTokenRepository, every_seconds: float = PURGE_EVERY_SECONDS
) -> Loop:
    """The supervised loop that purges refresh tokens past their expiry."""

    async def purge() -> None:
        await repository.purge_expired(utc_now())

    return every(every_seconds, purge, "purge-expired-refresh-tokens")
