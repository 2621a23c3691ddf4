"""Keeping the catch price read model from listing events, and reading the planner's figure
from it. The store is in memory here, with the same version guard and the same query as
`storage.catch_prices` (which the integration test runs on FerretDB)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from lumbung_shared.fisheries import SpeciesGroup
from lumbung_shared.mongo import Document
from lumbung_weather_alerts.domain.catch_prices import ListedCatch, PricedListing, PriceFigure
from lumbung_weather_alerts.storage.catch_prices import CatchPriceRepository
from lumbung_weather_alerts.usecases.catch_prices import CatchPriceBoard, KeepCatchPrices

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
WINDOW = timedelta(days=30)
BESAR = SpeciesGroup.PELAGIS_BESAR


class MemoryCatchPrices(CatchPriceRepository):
    """The read model in a dict; counts the reads by group."""

    def __init__(self) -> None:
        self.docs: dict[str, Document] = {}
        self.reads: list[tuple[SpeciesGroup, datetime]] = []

    async def apply(self, listing_id: str, version: int, fields: Document, *, create: bool) -> bool:
        doc = self.docs.get(listing_id)
        if (doc is None and not create) or (doc is not None and doc["version"] >= version):
            return False
        self.docs[listing_id] = {**(doc or {"_id": listing_id}), **fields, "version": version}
        return True

    async def forget_updated_before(self, cutoff: datetime) -> int:
        stale = [key for key, doc in self.docs.items() if doc["updated_at"] < cutoff]
        for key in stale:
            del self.docs[key]
        return len(stale)

    async def priced(self, group: SpeciesGroup, since: datetime) -> list[PricedListing]:
        self.reads.append((group, since))
        await asyncio.sleep(0)  # a real read lets other callers run meanwhile
        return [
            PricedListing(doc["price_per_kg"], doc["regency_code"], doc["province_code"])
            for doc in self.docs.values()
            if doc.get("group") == group.value
            and doc["active"]
            and doc.get("price_per_kg") is not None
            and doc["updated_at"] >= since
        ]


def cakalang(**changes: Any) -> ListedCatch:
    values: dict[str, Any] = {
        "kind": "catch",
        "commodity": "cakalang",
        "unit": "kg",
        "price_per_unit": 34000,
        "status": "active",
        "origin_region": "31.01",
    }
    return ListedCatch(**(values | changes))


def keeper(store: MemoryCatchPrices) -> KeepCatchPrices:
    return KeepCatchPrices(store, window=WINDOW, now=lambda: NOW)


class Clock:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def board(
    store: MemoryCatchPrices, clock: Clock | None = None, cache: float = 0
) -> CatchPriceBoard:
    return CatchPriceBoard(
        store,
        window=WINDOW,
        minimum_listings=3,
        cache_seconds=cache,
        now=lambda: NOW,
        monotonic=clock or Clock(),
    )


async def three_in_seribu(keep: KeepCatchPrices) -> None:
    for number, price in enumerate([30000, 34000, 38000], start=1):
        await keep.listed(f"l-{number}", 1, NOW, cakalang(price_per_unit=price))


class TestKeepingListings:
    async def test_a_catch_listing_is_kept_with_its_price_place_and_time(self) -> None:
        store = MemoryCatchPrices()
        at = NOW.replace(microsecond=123456)
        assert await keeper(store).listed("l-1", 1, at, cakalang(origin_region="31.01.02"))
        assert store.docs["l-1"] == {
            "_id": "l-1",
            "commodity": "cakalang",
            "group": "pelagis_besar",
            "price_per_unit": 34000,
            "unit": "kg",
            "price_per_kg": 34000,
            "regency_code": "31.01",
            "province_code": "31",
            "active": True,
            "deleted": False,
            "updated_at": NOW.replace(microsecond=123000),
            "version": 1,
        }

    async def test_a_listing_of_no_species_group_is_not_kept(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        assert not await keep.listed("l-1", 1, NOW, cakalang(kind="produce", commodity="cabai"))
        assert not await keep.status_changed("l-1", 2, NOW, "paused")
        assert not await keep.deleted("l-1", 3, NOW)
        assert store.docs == {}

    async def test_a_late_older_snapshot_does_not_overwrite_a_newer_one(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await keep.listed("l-1", 3, NOW, cakalang(price_per_unit=40000))
        assert not await keep.listed("l-1", 2, NOW, cakalang(price_per_unit=10000))
        assert (store.docs["l-1"]["price_per_kg"], store.docs["l-1"]["version"]) == (40000, 3)

    async def test_a_redelivered_event_changes_nothing(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await keep.listed("l-1", 1, NOW, cakalang())
        kept = dict(store.docs["l-1"])
        assert not await keep.listed("l-1", 1, NOW + timedelta(minutes=5), cakalang())
        assert store.docs["l-1"] == kept

    async def test_a_status_change_of_the_same_version_as_its_snapshot_is_skipped(self) -> None:
        # The snapshot of a change comes first and already carries the new status.
        store = MemoryCatchPrices()
        keep = keeper(store)
        await keep.listed("l-1", 2, NOW, cakalang(status="paused"))
        assert not await keep.status_changed("l-1", 2, NOW, "paused")
        assert store.docs["l-1"]["active"] is False


class TestWhatCounts:
    async def test_three_listings_in_the_regency_give_its_median(self) -> None:
        store = MemoryCatchPrices()
        await three_in_seribu(keeper(store))
        assert await board(store).median(BESAR, "31.01") == PriceFigure(34000, 3, "regency")

    async def test_a_price_change_moves_the_median(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await three_in_seribu(keep)
        await keep.listed("l-1", 2, NOW, cakalang(price_per_unit=36000))
        assert await board(store).median(BESAR, "31.01") == PriceFigure(36000, 3, "regency")

    async def test_a_per_ton_listing_counts_per_kg(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await three_in_seribu(keep)
        await keep.listed("l-4", 1, NOW, cakalang(unit="ton", price_per_unit=40_000_000))
        assert await board(store).median(BESAR, "31.01") == PriceFigure(36000, 4, "regency")

    async def test_a_per_fish_listing_is_skipped(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await three_in_seribu(keep)
        await keep.listed("l-4", 1, NOW, cakalang(unit="ekor", price_per_unit=1000))
        assert await board(store).median(BESAR, "31.01") == PriceFigure(34000, 3, "regency")

    async def test_a_paused_listing_leaves_and_a_resumed_one_comes_back(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await three_in_seribu(keep)
        await keep.status_changed("l-3", 2, NOW, "paused")
        assert await board(store).median(BESAR, "31.01") == PriceFigure(32000, 2, "national")
        await keep.status_changed("l-3", 3, NOW, "active")
        assert await board(store).median(BESAR, "31.01") == PriceFigure(34000, 3, "regency")

    async def test_a_deleted_listing_leaves_and_a_late_snapshot_cannot_bring_it_back(
        self,
    ) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await three_in_seribu(keep)
        await keep.deleted("l-3", 2, NOW)
        await keep.listed("l-3", 1, NOW, cakalang(price_per_unit=38000))
        assert await board(store).median(BESAR, "31.01") == PriceFigure(32000, 2, "national")
        assert store.docs["l-3"]["deleted"] is True

    async def test_a_kept_listing_edited_out_of_the_groups_stops_counting(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await three_in_seribu(keep)
        await keep.listed("l-3", 2, NOW, cakalang(commodity="udang-vaname"))
        assert await board(store).median(BESAR, "31.01") == PriceFigure(32000, 2, "national")

    async def test_a_listing_not_updated_within_the_window_does_not_count(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await three_in_seribu(keep)
        await keep.listed("l-old", 1, NOW - WINDOW - timedelta(seconds=1), cakalang())
        await keep.listed("l-edge", 1, NOW - WINDOW, cakalang(price_per_unit=90000))
        assert await board(store).median(BESAR, "31.01") == PriceFigure(36000, 4, "regency")
        assert store.reads == [(BESAR, NOW - WINDOW)]

    async def test_another_group_has_its_own_figure(self) -> None:
        store = MemoryCatchPrices()
        await three_in_seribu(keeper(store))
        assert await board(store).median(SpeciesGroup.DEMERSAL, "31.01") is None


class TestForgetting:
    async def test_listings_not_updated_within_the_window_are_forgotten(self) -> None:
        store = MemoryCatchPrices()
        keep = keeper(store)
        await keep.listed("l-old", 1, NOW - WINDOW - timedelta(seconds=1), cakalang())
        await keep.listed("l-edge", 1, NOW - WINDOW, cakalang())
        await keep.deleted("l-edge", 2, NOW - WINDOW)
        assert await keep.forget_stale() == 1
        assert list(store.docs) == ["l-edge"]


class TestCache:
    async def test_a_group_is_read_once_within_the_cache_time(self) -> None:
        store, clock = MemoryCatchPrices(), Clock()
        prices = board(store, clock, cache=10)
        await prices.median(BESAR, "31.01")
        clock.seconds = 9.9
        await prices.median(BESAR, "81.72")
        assert len(store.reads) == 1

    async def test_a_group_is_read_again_once_the_cache_time_has_passed(self) -> None:
        store, clock = MemoryCatchPrices(), Clock()
        keep = keeper(store)
        prices = board(store, clock, cache=10)
        assert await prices.median(BESAR, "31.01") is None
        await three_in_seribu(keep)
        clock.seconds = 10
        assert await prices.median(BESAR, "31.01") == PriceFigure(34000, 3, "regency")
        assert len(store.reads) == 2

    async def test_callers_arriving_during_a_read_wait_for_it_instead_of_reading(self) -> None:
        store = MemoryCatchPrices()
        await three_in_seribu(keeper(store))
        prices = board(store, Clock(), cache=10)
        figures = await asyncio.gather(*(prices.median(BESAR, "31.01") for _ in range(5)))
        assert figures == [PriceFigure(34000, 3, "regency")] * 5
        assert len(store.reads) == 1

    async def test_each_group_is_cached_on_its_own(self) -> None:
        store = MemoryCatchPrices()
        prices = board(store, Clock(), cache=10)
        await prices.median(BESAR, "31.01")
        await prices.median(SpeciesGroup.DEMERSAL, "31.01")
        assert [group for group, _ in store.reads] == [BESAR, SpeciesGroup.DEMERSAL]
