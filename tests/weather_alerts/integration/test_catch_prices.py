"""Specification: the weather-alerts service keeps its own copy of catch listing prices from the
listing events, and the trip planner's price figure read from it follows the listings: created,
repriced and deleted through the gateway, and late or repeated events changing nothing.

The figure has no route of its own (the planner shows it), so the test reads it as the planner
does, through `CatchPriceBoard`, over the service's own database in the stack.

The listings are in Kabupaten Paser (`64.01`, no landing site of ours), a regency no other test
lists catch in (Kota Tual, first chosen, is where the trip tests land), so a whole-suite run in
one stack cannot add listings to these medians.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from devstack.stack import Stack
from lumbung_shared.events import Envelope
from lumbung_shared.events.listings import ListingCreated, ListingStatusChanged, ListingUpdated
from lumbung_shared.fisheries import SpeciesGroup
from lumbung_shared.mongo import Document
from lumbung_weather_alerts.domain.catch_prices import PriceFigure
from lumbung_weather_alerts.storage.catch_prices import CatchPriceRepository
from lumbung_weather_alerts.usecases.catch_prices import CatchPriceBoard, KeepCatchPrices

from tests.listings.integration.helpers import Seller, skipjack
from tests.support.kafka import event, publish
from tests.support.mongo import database
from tests.support.polling import eventually

PASER = "64.01"
BESAR = SpeciesGroup.PELAGIS_BESAR


@pytest.fixture
async def catch_prices(stack: Stack) -> AsyncIterator[CatchPriceRepository]:
    """The service's read model, on its own database in the stack."""
    async with database(stack, "weather_alerts") as db:
        yield CatchPriceRepository(db.catch_prices)


def planner_board(repository: CatchPriceRepository) -> CatchPriceBoard:
    """The board as the service builds it, uncached, and content with two listings in a
    regency: after the deletion two remain, and a wider scope would take in other tests'
    listings (the widening rule itself is specified in the domain tests)."""
    return CatchPriceBoard(
        repository, window=timedelta(days=30), minimum_listings=2, cache_seconds=0
    )


def shows(
    board: CatchPriceBoard, expected: PriceFigure
) -> Callable[[], Awaitable[PriceFigure | None]]:
    """A probe for `eventually`: the planner's figure for Paser once it is `expected`."""

    async def probe() -> PriceFigure | None:
        figure = await board.median(BESAR, PASER)
        return figure if figure == expected else None

    return probe


class TestPricesFollowTheListings:
    async def test_created_repriced_and_deleted_catch_listings_move_the_median(
        self, stack: Stack, gateway: httpx.AsyncClient, catch_prices: CatchPriceRepository
    ) -> None:
        fisher = Seller(stack, gateway, role="fisher")
        board = planner_board(catch_prices)
        cheap, _, dear = [
            await fisher.lists(skipjack(price_per_unit=price, origin_region=PASER))
            for price in (30000, 34000, 38000)
        ]
        # Per fish, not per kg: kept, never in the median (it would make it 32,000 of four).
        per_fish = await fisher.lists(
            skipjack(unit="ekor", price_per_unit=20000, origin_region=PASER)
        )

        await eventually(shows(board, PriceFigure(34000, 3, "regency")))

        repriced = await gateway.patch(
            f"/v1/listings/{cheap['id']}",
            json={"price_per_unit": 36000},
            headers={**fisher.headers, "If-Match": '"1"'},
        )
        assert repriced.status_code == 200, repriced.text
        await eventually(shows(board, PriceFigure(36000, 3, "regency")))

        deleted = await gateway.delete(f"/v1/listings/{dear['id']}", headers=fisher.headers)
        assert deleted.status_code == 204, deleted.text
        await eventually(shows(board, PriceFigure(35000, 2, "regency")))

        kept = await catch_prices.find(per_fish["id"])
        assert kept is not None
        assert (kept["unit"], kept["price_per_unit"], kept["price_per_kg"]) == ("ekor", 20000, None)
        tombstone = await catch_prices.find(dear["id"])
        assert tombstone is not None
        assert (tombstone["deleted"], tombstone["active"]) == (True, False)


def catch_event(
    kind: type[ListingCreated] | type[ListingUpdated],
    listing_id: str,
    version: int,
    price: int,
    region: str = "82.71",
) -> Envelope[Any]:
    payload = kind(
        listing_id=listing_id,
        seller_id="fisher-uji",
        kind="catch",
        commodity="tongkol",
        title="Tongkol segar",
        unit="kg",
        price_per_unit=price,
        quantity_available=40,
        status="active",
        origin_region=region,
        version=version,
    )
    return event(payload, key=listing_id, producer="listings")


class TestLateAndRepeatedEvents:
    async def test_an_older_or_repeated_event_never_overwrites_a_newer_one(
        self, stack: Stack, catch_prices: CatchPriceRepository
    ) -> None:
        listing_id = f"uji-{uuid4().hex[:12]}"
        created = catch_event(ListingCreated, listing_id, 1, 30000)
        paused = ListingStatusChanged(
            listing_id=listing_id,
            seller_id="fisher-uji",
            previous_status="active",
            status="paused",
            version=4,
        )
        # One key, so one partition, in this order: the pause proves the ones before it done.
        for envelope in (
            created,
            catch_event(ListingUpdated, listing_id, 3, 41000),
            catch_event(ListingUpdated, listing_id, 2, 40000),
            created,
            event(paused, key=listing_id, producer="listings"),
        ):
            await publish(stack, envelope)

        async def at_version_4() -> Document | None:
            doc = await catch_prices.find(listing_id)
            return doc if doc is not None and doc["version"] == 4 else None

        doc = await eventually(at_version_4)
        assert (doc["price_per_unit"], doc["price_per_kg"], doc["active"]) == (41000, 41000, False)
        assert (doc["group"], doc["regency_code"]) == ("pelagis_besar", "82.71")


class TestStaleListings:
    async def test_a_listing_not_updated_within_the_window_never_counts_and_is_forgotten(
        self, stack: Stack, catch_prices: CatchPriceRepository
    ) -> None:
        """The stack prunes every second (housekeeping), so the stale copy may be gone before
        a probe sees it: a fresh listing sent behind it on the same key (same partition, so
        handled after it) says when it was handled."""
        listing_id = f"uji-{uuid4().hex[:12]}"
        long_ago = datetime.now(UTC) - timedelta(days=31)
        created = catch_event(ListingCreated, listing_id, 1, 30000, region="82.72")
        await publish(stack, created.model_copy(update={"occurred_at": long_ago}))
        behind = catch_event(ListingCreated, f"uji-{uuid4().hex[:12]}", 1, 31000, region="82.72")
        await publish(stack, behind.model_copy(update={"key": listing_id}))

        async def handled() -> Document | None:
            return await catch_prices.find(behind.payload.listing_id)

        await eventually(handled)
        priced = await catch_prices.priced(BESAR, datetime.now(UTC) - timedelta(days=30))
        in_regency = [row for row in priced if row.regency_code == "82.72"]
        assert [row.price_per_kg for row in in_regency] == [31000]  # the fresh one only
        await KeepCatchPrices(catch_prices, window=timedelta(days=30)).forget_stale()
        assert await catch_prices.find(listing_id) is None
        assert await catch_prices.find(behind.payload.listing_id) is not None
