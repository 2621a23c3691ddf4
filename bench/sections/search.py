"""Listing search at 10,000 listings: the service's own search vs the same `find` by hand.

The service path is what `GET /v1/listings` runs below HTTP: `build_filters` (validation),
the `SearchListings` use case, `ListingSearch.page` (query building, the projection that hides
bookkeeping, keyset paging). The baseline is the same filter, sort and limit written by hand in
raw PyMongo on the same store and client. FerretDB/SQLite scans and sorts every document for
any filter but an exact `_id`, so the baseline is the store's cost; the ratio is ours.

Budget: ~6 s to load 10,000 documents, then three query shapes, the two paths interleaved in
pairs, as many pairs (1 to 4) as fit each shape's share of 40 s: a query scans 10,000 documents
and takes 2-7 s on a busy 2-core box, so there are few repeats (the note says how many) and
the figure is the best run of each path, the one least disturbed by other work on the box.
`quick`: 2,000 listings.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from lumbung_listings.domain.filters import build_filters
from lumbung_listings.domain.lifecycle import Status
from lumbung_listings.domain.search import SortOrder
from lumbung_listings.storage.listings import INDEXES
from lumbung_listings.storage.search import ListingSearch
from lumbung_listings.usecases.search_listings import SearchListings
from lumbung_shared.mongo import ensure_indexes
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from bench.harness import BenchContext, Row, at_most, percentile
from bench.listings_data import load

SECTION = "search"
DATABASE = "bench_search"
PAGE = 20
TIMES_RAW = 1.3  # the target: at most 1.3x the raw find
QUERY_BUDGET_S = 40.0
MAX_PAIRS = 4
Doc = dict[str, Any]


@dataclass(frozen=True)
class Shape:
    """One buyer search, as the API would receive it and as written by hand."""

    name: str
    params: dict[str, Any]
    raw_filter: Doc
    raw_sort: list[tuple[str, int]]


NEWEST = [("created_at", DESCENDING), ("_id", DESCENDING)]
SHAPES = [
    Shape(
        "commodity+region+price, newest",
        {"commodity": "beras", "region": "63", "price_min": 10_000, "price_max": 150_000},
        {
            "deleted": False,
            "status": "active",
            "commodity": "beras",
            "region_path": "63",
            "price_per_unit": {"$gte": 10_000, "$lte": 150_000},
        },
        NEWEST,
    ),
    Shape(
        "words 'segar super', newest",
        {"q": "segar super"},
        {"deleted": False, "status": "active", "keywords": {"$all": ["segar", "super"]}},
        NEWEST,
    ),
    Shape(
        "commodity, price ascending",
        {"commodity": "cakalang", "sort": SortOrder.PRICE_ASC},
        {"deleted": False, "status": "active", "commodity": "cakalang"},
        [("price_per_unit", ASCENDING), ("_id", ASCENDING)],
    ),
]


def _filters(params: dict[str, Any]) -> Any:
    """The validated filters of a buyer's search, exactly as the route builds them."""
    given: dict[str, Any] = {
        "commodity": None, "kind": None, "region": None, "price_min": None,
        "price_max": None, "seller_id": None, "tags": None, "q": None,
        "supply_at_risk": None, "sort": SortOrder.NEWEST,
    } | params  # fmt: skip
    return build_filters(allowed=frozenset({Status.ACTIVE}), requested=None, **given)


async def _timed(
    once: Callable[[], Awaitable[list[str]]],
) -> tuple[float | None, float, list[str]]:
    """Milliseconds for one query, the CPU ms this process spent on it, and the ids it
    returned; (None, 0, []) when it failed."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        ids = await once()
    except Exception:  # a failed query is a result of the benchmark, counted by the caller
        return None, 0.0, []
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000, ids


async def _compare(
    collection: AsyncCollection[Doc], shape: Shape, budget_s: float
) -> tuple[list[float], list[float], list[float], int, bool]:
    """Both paths in alternating pairs while the budget lasts (at least one pair, at most
    `MAX_PAIRS`): their times, our CPU, the failed queries, and whether the rows agree."""
    search = SearchListings(ListingSearch(collection))
    filters = _filters(shape.params)

    async def service() -> list[str]:
        page = await search(filters, PAGE, None)
        return [row["_id"] for row in page.rows]

    async def raw() -> list[str]:
        found = collection.find(shape.raw_filter).sort(shape.raw_sort).limit(PAGE + 1)
        return [doc["_id"] for doc in (await found.to_list(None))[:PAGE]]

    times: dict[str, list[float]] = {"ours": [], "raw": [], "ours_cpu": [], "raw_cpu": []}
    errors, agree = 0, True
    started = time.perf_counter()
    for i in range(MAX_PAIRS):
        spent = time.perf_counter() - started
        if i and spent / i * (i + 1) > budget_s:  # another pair would overrun the share
            break
        order = [("ours", service), ("raw", raw)]
        got: dict[str, list[str]] = {}
        for name, once in order if i % 2 == 0 else order[::-1]:
            elapsed, cpu, ids = await _timed(once)
            if elapsed is None:
                errors += 1
                continue
            times[name].append(elapsed)
            times[f"{name}_cpu"].append(cpu)
            got[name] = ids
        if len(got) == 2:
            agree = agree and got["ours"] == got["raw"]
    return times["ours"], times["raw"], times["ours_cpu"], errors, agree


async def run(ctx: BenchContext) -> list[Row]:
    count = 2_000 if ctx.quick else 10_000
    client: AsyncMongoClient[Doc] = AsyncMongoClient(
        ctx.stack.mongo.url,
        tz_aware=True,
        maxPoolSize=1,  # one connection, as each service has
    )
    rows: list[Row] = []
    try:
        collection = client[DATABASE]["listings"]
        await collection.drop()
        await ensure_indexes(collection, INDEXES)
        ctx.progress(f"search: loading {count} listings")
        loaded, seconds = await load(collection, count, budget_s=30.0)
        rows.append(
            Row(SECTION, "listings loaded", loaded, "docs", note=f"insert_many, {seconds:.1f} s")
        )
        await collection.find({"status": "active"}).limit(1).to_list(None)  # warm both alike
        totals: dict[str, float] = {"ours": 0.0, "raw": 0.0}
        for shape in SHAPES:
            ctx.progress(f"search: {shape.name}")
            share = QUERY_BUDGET_S / len(SHAPES)
            ours, theirs, cpu, errors, agree = await _compare(collection, shape, share)
            notes = [f"{len(ours)} runs vs {len(theirs)}, interleaved"]
            if cpu:
                notes.append(f"our client CPU {percentile(cpu, 0.5):.1f} ms/query")
            if errors:
                notes.append(f"{errors} queries failed")
            if not agree:
                notes.append("ROWS DIFFER from the raw find")
            if ours and theirs:
                totals["ours"] += statistics.median(ours)
                totals["raw"] += statistics.median(theirs)
            best, raw_best = min(ours, default=None), min(theirs, default=None)
            rows.append(
                Row(SECTION, f"best query time, {shape.name}", best, "ms", raw_best,
                    "raw PyMongo find", note="; ".join(notes))
            )  # fmt: skip
        rows.append(
            at_most(
                SECTION, "search, all shapes (sum of medians)", totals["ours"] or None, "ms",
                totals["raw"] or None, "raw PyMongo find", TIMES_RAW,
                "one store, one connection: the time is FerretDB scanning 10,000 documents",
            )
        )  # fmt: skip
    finally:
        await client.drop_database(DATABASE)
        await client.close()
    return rows
