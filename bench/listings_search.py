"""Search benchmark: load 100k listings, then time a filtered, paged search two ways.

1. through the service's own code (`ListingSearch.page`: filter building, cursor, paging);
2. the same query written by hand as raw PyMongo on the same store — the baseline.

The ratio of the two is what this code costs; the baseline itself is what the store costs.
FerretDB is much slower than MongoDB, so absolute figures from it are not production figures.
By default a private FerretDB is started through devstack on a free 127.0.0.1 port in a
temporary folder and stopped afterwards; `--mongo-url` points at another store instead.

    PYTHONPATH=deploy/local uv run python bench/listings_search.py [--count 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from devstack.infra import FerretDB
from devstack.processes import free_port
from lumbung_listings.domain.commodities import COMMODITIES
from lumbung_listings.domain.filters import build_filters
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.regions import RegionLevel, default_catalogue
from lumbung_listings.domain.search import SortOrder, listing_keywords
from lumbung_listings.storage.listings import INDEXES
from lumbung_listings.storage.search import ListingSearch
from lumbung_shared.mongo import ensure_indexes
from pymongo import DESCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

PAGE = 20
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


def raw_query(commodity: str, province: str) -> Doc:
    """The benchmark search written by hand: active, one commodity, one province, a price band."""
    return {
        "deleted": False,
        "status": "active",
        "commodity": commodity,
        "region_path": province,
        "price_per_unit": {"$gte": 10_000, "$lte": 150_000},
    }


async def timed(runs: int, once: Callable[[int], Awaitable[int]]) -> tuple[list[float], int]:
    """Milliseconds per run, and the total rows the runs returned."""
    times, rows = [], 0
    for i in range(runs):
        started = time.perf_counter()
        rows += await once(i)
        times.append((time.perf_counter() - started) * 1000)
    return times, rows


def summary(name: str, times: list[float], rows: int) -> str:
    cuts = statistics.quantiles(times, n=100)
    figures = f"p50 {cuts[49]:8.1f} ms   p99 {cuts[98]:8.1f} ms"
    return f"{name:<28} {figures}   ({len(times)} runs, {rows} rows)"


async def measure(collection: AsyncCollection[Doc], runs: int) -> None:
    search = ListingSearch(collection)
    cases = [
        (c, p)
        for c in ("beras", "cakalang", "bawang-merah", "kopi-arabika")
        for p in ("63", "31", "21", "35")
    ]

    async def through_repository(i: int) -> int:
        commodity, province = cases[i % len(cases)]
        filters = build_filters(
            allowed=frozenset({Status.ACTIVE}),
            requested=None,
            commodity=commodity,
            kind=None,
            region=province,
            price_min=10_000,
            price_max=150_000,
            seller_id=None,
            tags=None,
            q=None,
            supply_at_risk=None,
            sort=SortOrder.NEWEST,
        )
        page = await search.page(filters, PAGE, None)
        return len(page.rows)

    async def raw_pymongo(i: int) -> int:
        commodity, province = cases[i % len(cases)]
        found = collection.find(raw_query(commodity, province)).sort(
            [("created_at", DESCENDING), ("_id", DESCENDING)]
        )
        return min(PAGE, len(await found.limit(PAGE + 1).to_list(None)))

    await timed(5, raw_pymongo)  # warm caches and connections alike for both
    repo_times, repo_rows = await timed(runs, through_repository)
    raw_times, raw_rows = await timed(runs, raw_pymongo)
    print(summary("repository (ListingSearch)", repo_times, repo_rows))
    print(summary("raw PyMongo baseline", raw_times, raw_rows))
    ratio = statistics.median(repo_times) / statistics.median(raw_times)
    print(f"repository / raw at p50: {ratio:.2f}x")


async def run(url: str, count: int, runs: int, budget_s: float) -> None:
    client: AsyncMongoClient[Doc] = AsyncMongoClient(url, tz_aware=True)
    try:
        collection = client["bench_listings"]["listings"]
        await collection.drop()
        await ensure_indexes(collection, INDEXES)
        loaded, seconds = await load(collection, count, budget_s)
        rate = loaded / seconds if seconds else 0.0
        print(f"loaded {loaded} listings in {seconds:.1f}s ({rate:.0f}/s)")
        await measure(collection, runs)
    finally:
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--load-budget-seconds", type=float, default=900.0)
    parser.add_argument("--mongo-url", help="use this store instead of a private FerretDB")
    args = parser.parse_args()
    if args.mongo_url:
        asyncio.run(run(args.mongo_url, args.count, args.runs, args.load_budget_seconds))
        return
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-") as home:
        ferret = FerretDB(free_port(), Path(home) / "ferretdb", Path(home) / "run")
        ferret.start()
        try:
            print(f"private FerretDB at {ferret.url}")
            asyncio.run(run(ferret.url, args.count, args.runs, args.load_budget_seconds))
        finally:
            ferret.stop()


if __name__ == "__main__":
    main()
