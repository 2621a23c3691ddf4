"""Whether the gateway's own store answers, for readiness."""

from __future__ import annotations

import asyncio

from lumbung_shared.mongo import Document
from pymongo import AsyncMongoClient

PING_TIMEOUT_SECONDS = 2.0


async def store_unready_reason(mongo: AsyncMongoClient[Document]) -> str | None:
    """None when Mongo answers `ping` in time; else the error's type (never its text)."""
    try:
        await asyncio.wait_for(mongo.admin.command("ping"), PING_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means not ready; the reason is reported
        return f"{type(exc).__name__}"[:200]
    return None
