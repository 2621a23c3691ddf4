"""The price board through the gateway (issue point 8): median, min, max and count per regency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from devstack.stack import Stack

from tests.listings.integration.helpers import Seller
from tests.support.mongo import database
from tests.support.polling import eventually


def cocoa(price: int, region: str = "63.08", unit: str = "kg") -> dict[str, Any]:
    return {
        "kind": "produce",
        "commodity": "kakao",
        "title": "Biji kakao fermentasi",
        "unit": unit,
        "price_per_unit": price,
        "quantity_available": 500,
        "origin_region": region,
    }


class TestPriceBoard:
    async def test_median_min_max_and_count_over_live_listings_of_thirty_days(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        for price in (50_000, 60_000, 70_000):
            await seller.lists(cocoa(price))
        await seller.lists(cocoa(1_000_000, region="63.08.01"))  # a district rolls up
        await seller.lists(cocoa(2_000_000, unit="karung"))  # another unit, another market
        paused = await seller.lists(cocoa(1))
        await gateway.post(
            f"/v1/listings/{paused['id']}/status", json={"status": "paused"}, headers=seller.headers
        )
        old = await seller.lists(cocoa(2))
        async with database(stack, "listings") as db:
            # Back-date it once its event is out, so this write does not race the relay's.
            await eventually(lambda: db.listings.find_one({"_id": old["id"], "outbox_pending": 0}))
            await db.listings.update_one(
                {"_id": old["id"]}, {"$set": {"created_at": datetime.now(UTC) - timedelta(days=31)}}
            )

        response = await gateway.get("/v1/prices", params={"commodity": "kakao", "region": "63.08"})
        assert response.status_code == 200, response.text
        entries = {(e["regency"], e["unit"]): e for e in response.json()["entries"]}
        assert set(entries) == {("63.08", "kg"), ("63.08", "karung")}
        kg = entries[("63.08", "kg")]
        assert (kg["median"], kg["min"], kg["max"], kg["count"]) == (65_000, 50_000, 1_000_000, 4)
        assert entries[("63.08", "karung")]["count"] == 1
        assert response.json()["window_days"] == 30

        province = await gateway.get("/v1/prices", params={"commodity": "kakao", "region": "63"})
        assert {e["regency"] for e in province.json()["entries"]} >= {"63.08"}
        elsewhere = await gateway.get("/v1/prices", params={"commodity": "kakao", "region": "11"})
        assert elsewhere.json()["entries"] == []

    async def test_unknown_commodity_or_region_is_a_bilingual_422(
        self, gateway: httpx.AsyncClient
    ) -> None:
        for params in ({"commodity": "durian-emas"}, {"region": "6308"}, {"region": "99.99"}):
            response = await gateway.get("/v1/prices", params=params)
            assert response.status_code == 422, params
            assert response.json()["message"]["id"]
