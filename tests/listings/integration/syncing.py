"""Steps of the offline-sync tests: one search page, a whole sync, a sync once settled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.support.polling import eventually

SyncResult = tuple[dict[str, Any], dict[str, Any], str]
"""Kept items by id, tombstones by id, and the cursor to sync from next time."""


async def search(
    gateway: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await gateway.get("/v1/listings", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def sync_all(
    gateway: httpx.AsyncClient, headers: dict[str, str], cursor: str, **params: Any
) -> SyncResult:
    """Follow a sync to its end: (kept items by id, tombstones by id, the final cursor).

    Every page that says more is to come carries something: a phone never walks empty pages.
    """
    items: dict[str, Any] = {}
    removed: dict[str, Any] = {}
    for _ in range(200):
        page = await search(gateway, headers, since=cursor, limit=100, **params)
        assert page["items"] or page["removed"] or not page["has_more"], page
        for item in page["items"]:
            items[item["id"]] = item
            removed.pop(item["id"], None)
        for tomb in page["removed"]:
            removed[tomb["id"]] = tomb
            items.pop(tomb["id"], None)
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return items, removed, cursor
    raise AssertionError("sync did not end")


async def sync_settled(
    gateway: httpx.AsyncClient,
    headers: dict[str, str],
    cursor: str,
    settled: Callable[[SyncResult], bool],
    *,
    within: float = 15.0,
    interval: float = 0.25,
    **params: Any,
) -> SyncResult:
    """Sync again until the changes made just before have settled (the service holds back
    the changes of its settle window) and `settled` holds for the result."""

    async def probe() -> SyncResult | None:
        result = await sync_all(gateway, headers, cursor, **params)
        return result if settled(result) else None

    return await eventually(probe, within=within, interval=interval)
