"""Offline sync through the gateway: changes show within half a second, a fresh phone gets
live listings only, and a cursor older than the tombstone retention must resync (410)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from devstack.stack import Stack
from lumbung_listings.domain.search import micros
from lumbung_listings.domain.sync import SyncCursor, encode_sync_cursor

from tests.listings.integration.conftest import run_listings_with
from tests.listings.integration.helpers import Seller, shallots
from tests.listings.integration.syncing import SyncResult, search, sync_all, sync_settled
from tests.support.clients import bearer
from tests.support.mongo import database
from tests.support.polling import eventually
from tests.support.stack_env import SERVICE_ENV

VISIBLE_WITHIN = 0.5


async def settled_copy(
    gateway: httpx.AsyncClient, seller: Seller, listing_ids: set[str]
) -> SyncResult:
    """A seller's phone copy from scratch, once it holds `listing_ids`."""
    return await sync_settled(
        gateway, seller.headers, "0", lambda r: listing_ids <= set(r[0]), seller="me"
    )


async def seconds_until(
    gateway: httpx.AsyncClient, seller: Seller, cursor: str, shows: Any, since: float
) -> float:
    """Poll the seller's sync from `cursor` until `shows(result)`; seconds since `since`."""

    async def probe() -> float | None:
        result = await sync_all(gateway, seller.headers, cursor, seller="me")
        return time.monotonic() - since if shows(result) else None

    return await eventually(probe, within=VISIBLE_WITHIN, interval=0.02)


class TestChangesShowQuickly:
    async def test_an_edit_and_a_deletion_show_within_half_a_second(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        edited = await seller.lists(shallots())
        deleted = await seller.lists(shallots())
        _, _, cursor = await settled_copy(gateway, seller, {edited["id"], deleted["id"]})

        patch = await gateway.patch(
            f"/v1/listings/{edited['id']}",
            json={"price_per_unit": 35000},
            headers={**seller.headers, "If-Match": '"1"'},
        )
        assert patch.status_code == 200, patch.text
        took = await seconds_until(
            gateway,
            seller,
            cursor,
            lambda r: r[0].get(edited["id"], {}).get("price_per_unit") == 35000,
            time.monotonic(),
        )
        assert took <= VISIBLE_WITHIN

        gone = await gateway.delete(f"/v1/listings/{deleted['id']}", headers=seller.headers)
        assert gone.status_code == 204, gone.text
        took = await seconds_until(
            gateway, seller, cursor, lambda r: deleted["id"] in r[1], time.monotonic()
        )
        assert took <= VISIBLE_WITHIN

    async def test_a_phone_with_nothing_new_gets_one_empty_page_and_a_newer_cursor(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        _, _, cursor = await settled_copy(gateway, seller, {listing["id"]})

        page = await search(gateway, seller.headers, since=cursor, seller="me")
        assert (page["items"], page["removed"], page["has_more"]) == ([], [], False)
        assert page["next_cursor"] != cursor


class TestSyncFromScratch:
    async def test_a_fresh_phone_gets_live_listings_and_no_tombstones(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        deleted = await seller.lists(shallots())
        archived = await seller.lists(shallots())
        paused = await seller.lists(shallots())
        gone = await gateway.delete(f"/v1/listings/{deleted['id']}", headers=seller.headers)
        assert gone.status_code == 204, gone.text
        for listing, status in ((archived, "archived"), (paused, "paused")):
            changed = await gateway.post(
                f"/v1/listings/{listing['id']}/status",
                json={"status": status},
                headers=seller.headers,
            )
            assert changed.status_code == 200, changed.text
        live = await seller.lists(shallots())

        items, removed, _ = await settled_copy(gateway, seller, {live["id"]})
        assert set(items) == {live["id"], paused["id"]}
        assert removed == {}

        buyer = bearer(stack, "buyer")
        items, removed, _ = await sync_settled(
            gateway, buyer, "0", lambda r: bool(r[0]), seller=seller.id
        )
        assert set(items) == {live["id"]}
        assert removed == {}


def cursor_of(age: timedelta) -> str:
    """A sync cursor as the service issues them, for a phone last synced `age` ago."""
    return encode_sync_cursor(SyncCursor(micros(datetime.now(UTC) - age), ""))


class TestExpiredCursor:
    async def test_a_cursor_older_than_the_retention_must_resync_from_scratch(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        for language, word in (("en", "resync"), ("id", "sinkronkan ulang")):
            response = await gateway.get(
                "/v1/listings",
                params={"since": cursor_of(timedelta(days=31)), "seller": "me"},
                headers={**seller.headers, "Accept-Language": language},
            )
            assert response.status_code == 410, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            problem = response.json()
            assert problem["type"].endswith("/sync-cursor-expired")
            assert problem["resync_since"] == "0"
            assert word in problem["detail"]

        recent = await gateway.get(
            "/v1/listings",
            params={"since": cursor_of(timedelta(days=29)), "seller": "me"},
            headers=seller.headers,
        )
        assert recent.status_code == 200, recent.text


class TestTombstonePurge:
    async def test_deleted_listings_are_purged_after_the_retention(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        short = {
            **SERVICE_ENV["listings"],
            "LISTINGS_TOMBSTONE_RETENTION_DAYS": str(2 / 86_400),  # two seconds
            "LISTINGS_HOUSEKEEPING_SECONDS": "0.5",
        }
        run_listings_with(stack, short)
        try:
            seller = Seller(stack, gateway)
            deleted = await seller.lists(shallots())
            kept = await seller.lists(shallots())
            gone = await gateway.delete(f"/v1/listings/{deleted['id']}", headers=seller.headers)
            assert gone.status_code == 204, gone.text

            async with database(stack, "listings") as db:

                async def purged() -> bool | None:
                    return None if await db.listings.find_one({"_id": deleted["id"]}) else True

                await eventually(purged, within=20.0, interval=0.25)
                assert await db.listings.find_one({"_id": kept["id"]}) is not None
        finally:
            run_listings_with(stack, SERVICE_ENV["listings"])
