"""A listing write slower than the sync settle window is stamped again, so no sync skips it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from lumbung_listings.storage.listings import ListingRepository
from pymongo.asynchronous.collection import AsyncCollection

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SETTLE = timedelta(milliseconds=250)


@dataclass
class _Result:
    modified_count: int


class _Collection:
    """Answers every update as matched; records the updates after the first (the write)."""

    def __init__(self, restamp_matches: bool = True) -> None:
        self.updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.restamp_matches = restamp_matches

    async def insert_one(self, doc: dict[str, Any]) -> None:
        return None

    async def update_one(self, query: dict[str, Any], update: dict[str, Any]) -> _Result:
        self.updates.append((query, update))
        first = len(self.updates) == 1
        return _Result(1 if first or self.restamp_matches else 0)


def clock(*offsets_ms: int) -> Iterator[datetime]:
    return iter(T0 + timedelta(milliseconds=ms) for ms in offsets_ms)


def repository(collection: _Collection, ticks: Iterator[datetime]) -> ListingRepository:
    return ListingRepository(
        cast(AsyncCollection[dict[str, Any]], cast(Any, collection)),
        lambda _id: None,
        SETTLE,
        lambda: next(ticks),
    )


FIELDS = {"price_per_unit": 35000, "version": 4, "updated_at": T0}


class TestSlowWrites:
    async def test_a_write_within_the_window_is_left_as_it_is(self) -> None:
        collection = _Collection()
        assert await repository(collection, clock(100)).save("l-1", 3, dict(FIELDS))
        assert len(collection.updates) == 1

    async def test_a_slow_write_is_stamped_again_at_the_same_version(self) -> None:
        collection = _Collection()
        assert await repository(collection, clock(400, 410, 420)).save("l-1", 3, dict(FIELDS))
        query, update = collection.updates[1]
        assert query == {"_id": "l-1", "version": 4, "updated_at": T0}
        assert update == {"$set": {"updated_at": T0 + timedelta(milliseconds=410)}}
        assert len(collection.updates) == 2

    async def test_a_slow_insert_is_stamped_again(self) -> None:
        collection = _Collection()
        doc = {"_id": "l-2", "version": 1, "updated_at": T0}
        await repository(collection, clock(300, 301, 302)).insert(doc)
        assert collection.updates[0][0] == {"_id": "l-2", "version": 1, "updated_at": T0}

    async def test_a_listing_changed_meanwhile_is_not_stamped_again(self) -> None:
        collection = _Collection(restamp_matches=False)
        await repository(collection, clock(400, 410)).save("l-1", 3, dict(FIELDS))
        assert len(collection.updates) == 2
