"""Listing-shaped documents for the search benchmark: realistic fields, regions and words.

Seeded, so every run searches the same 10,000 listings.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from lumbung_listings.domain.commodities import COMMODITIES
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.regions import RegionLevel, default_catalogue
from lumbung_listings.domain.search import listing_keywords
from pymongo.asynchronous.collection import AsyncCollection

BATCH = 1000
WORDS = ("segar", "super", "murah", "grosir", "panen", "pilihan", "organik", "kering", "besar")
Doc = dict[str, Any]


def fake_listing(rng: random.Random, regions: list[str], now: datetime) -> Doc:
    """One listing document shaped like `ListingRepository.create` stores it."""
    commodity = rng.choice(list(COMMODITIES.values()))
    region = rng.choice(regions)
    title = f"{commodity.name_id} {rng.choice(WORDS)} {rng.choice(WORDS)}"
    created = now - timedelta(seconds=rng.randrange(60 * 86400))
    created = created.replace(microsecond=created.microsecond // 1000 * 1000)
    status = Status.ACTIVE if rng.random() < 0.85 else rng.choice(list(Status))
    parts = region.split(".")
    return {
        "_id": uuid4().hex,
        "seller_id": f"seller-{rng.randrange(5000)}",
        "kind": commodity.kind.value,
        "commodity": commodity.code,
        "title": title,
        "description": "",
        "unit": commodity.default_unit.value,
        "price_per_unit": rng.randrange(5_000, 200_000, 500),
        "quantity_available": rng.randrange(1, 1000),
        "min_order": 1,
        "origin_region": region,
        "tags": rng.sample(["organik", "halal", "produk-lokal", "segar"], rng.randrange(3)),
        "keywords": listing_keywords(title, "", commodity.name_id, commodity.name_en),
        "region_path": [".".join(parts[: i + 1]) for i in range(len(parts))],
        "status": status.value,
        "version": 1,
        "created_at": created,
        "updated_at": created,
        "reserved_orders": [],
        "photos": [],
        "photo_count": 0,
        "risk_alert_ids": [],
        "supply_at_risk": False,
        "deleted": False,
        "outbox": [],
        "outbox_pending": 0,
    }


async def load(collection: AsyncCollection[Doc], count: int, budget_s: float) -> tuple[int, float]:
    """Insert up to `count` listings in batches, stopping when the time budget is spent."""
    catalogue = default_catalogue()
    regions = [r.code for r in catalogue.of_level(RegionLevel.REGENCY)]
    regions += [r.code for r in catalogue.of_level(RegionLevel.DISTRICT)]
    rng = random.Random(42)
    now = datetime.now(UTC)
    started = time.perf_counter()
    loaded = 0
    while loaded < count and time.perf_counter() - started < budget_s:
        batch = [fake_listing(rng, regions, now) for _ in range(min(BATCH, count - loaded))]
        await collection.insert_many(batch, ordered=False)
        loaded += len(batch)
        if loaded % 10_000 == 0:
            print(f"  loaded {loaded} in {time.perf_counter() - started:.0f}s", flush=True)
    return loaded, time.perf_counter() - started
