"""Calling trips off over in-memory stores: danger for their boat, or never landing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from lumbung_listings.storage.stock import ListingStock
from lumbung_listings.storage.stock_reservations import StockReservationRepository
from lumbung_listings.storage.trips import PreListedTrips, ZoneDangers
from lumbung_listings.usecases.call_off_trips import CallOffTrips
from lumbung_shared.events import Envelope

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
ZONE = "perairan-tual"


def trip_doc(listing_id: str, vessel: str = "fishing_boat", lands_in: float = 24) -> Any:
    return {
        "_id": listing_id,
        "seller_id": "fisher-1",
        "status": "pre_listed",
        "kind": "catch",
        "commodity": "cakalang",
        "title": "Cakalang Tual",
        "unit": "kg",
        "price_per_unit": 42000,
        "min_order": 1,
        "origin_region": "81.72",
        "quantity_available": 20,
        "reserved_orders": ["o-1", "o-2"],
        "version": 3,
        "deleted": False,
        "trip": {
            "zone_id": ZONE,
            "vessel_class": vessel,
            "expected_landing_at": NOW + timedelta(hours=lands_in),
        },
    }


class Memory:
    """The listing, reservation and alert stores the call-off reads and writes."""

    def __init__(self, *listings: Any) -> None:
        self.listings = {doc["_id"]: doc for doc in listings}
        self.events: list[Envelope[Any]] = []
        self.dangers: dict[str, Any] = {}

    # PreListedTrips
    async def in_zone(self, zone_id: str) -> list[tuple[str, str]]:
        return [
            (d["_id"], d["trip"]["vessel_class"])
            for d in self.listings.values()
            if d["status"] == "pre_listed" and d["trip"]["zone_id"] == zone_id
        ]

    async def overdue(self, landing_before: datetime) -> list[str]:
        return [
            d["_id"]
            for d in self.listings.values()
            if d["status"] == "pre_listed" and d["trip"]["expected_landing_at"] < landing_before
        ]

    # ZoneDangers
    async def record(self, alert_id: str, zone: str, classes: Any, expires: datetime) -> bool:
        if self.dangers.get(alert_id) == "ended":
            return False
        self.dangers[alert_id] = "active"
        return True

    async def end(self, alert_ids: Iterable[str]) -> None:
        for alert_id in alert_ids:
            self.dangers[alert_id] = "ended"

    # ListingStock
    async def find(self, listing_id: str) -> Any:
        if listing_id.startswith("o-"):  # StockReservationRepository.find
            return {"_id": listing_id, "lines": [{"listing_id": "t-1", "quantity": 20}]}
        return self.listings.get(listing_id)

    async def change(
        self, doc: Any, fields: Any, guard: Any, marker: Any, events: list[Envelope[Any]]
    ) -> bool:
        current = self.listings[doc["_id"]]
        if current["version"] != doc["version"] or current["status"] != guard["status"]:
            return False
        self.listings[doc["_id"]] = {**current, **fields}
        self.events += events
        return True


def call_off_over(memory: Memory) -> CallOffTrips:
    return CallOffTrips(
        cast(PreListedTrips, memory),
        cast(ZoneDangers, memory),
        cast(ListingStock, memory),
        cast(StockReservationRepository, memory),
        clock=lambda: NOW,
    )


class TestADangerAlert:
    async def test_calls_off_the_trip_and_gives_every_reservation_back(self) -> None:
        memory = Memory(trip_doc("t-1"))
        called = await call_off_over(memory).alert_in_force(
            "a-1", ZONE, {"fishing_boat": "danger"}, NOW + timedelta(hours=6)
        )
        assert called == 1
        listing = memory.listings["t-1"]
        assert (listing["status"], listing["quantity_available"]) == ("called_off", 60)
        assert listing["reserved_orders"] == []
        assert listing["trip_released_orders"] == ["o-1", "o-2"]
        assert listing["trip"]["alert_id"] == "a-1"
        told = [e for e in memory.events if e.type == "listing.trip_called_off"]
        assert [(e.payload.order_ids, e.payload.reason) for e in told] == [
            (["o-1", "o-2"], "trip_called_off")
        ]
        assert {e.type for e in memory.events} >= {"listing.updated", "listing.status_changed"}

    async def test_a_redelivery_changes_nothing(self) -> None:
        memory = Memory(trip_doc("t-1"))
        call_off = call_off_over(memory)
        for _ in range(2):
            await call_off.alert_in_force(
                "a-1", ZONE, {"fishing_boat": "danger"}, NOW + timedelta(hours=6)
            )
        assert len([e for e in memory.events if e.type == "listing.trip_called_off"]) == 1

    async def test_spares_other_vessels_and_lapsed_or_ended_alerts(self) -> None:
        memory = Memory(trip_doc("t-1", vessel="large_ship"), trip_doc("t-2"))
        call_off = call_off_over(memory)
        danger = {"fishing_boat": "danger", "large_ship": "caution"}
        assert await call_off.alert_in_force("lapsed", ZONE, danger, NOW) == 0
        await call_off.alerts_ended(["ended"])
        assert await call_off.alert_in_force("ended", ZONE, danger, NOW + timedelta(hours=1)) == 0
        assert memory.listings["t-2"]["status"] == "pre_listed"
        assert await call_off.alert_in_force("a-1", ZONE, danger, NOW + timedelta(hours=1)) == 1
        assert memory.listings["t-1"]["status"] == "pre_listed"


class TestATripThatNeverLands:
    async def test_is_called_off_once_overdue_with_its_own_reason(self) -> None:
        memory = Memory(trip_doc("late", lands_in=-25), trip_doc("due", lands_in=-23))
        assert await call_off_over(memory).sweep_overdue() == 1
        assert memory.listings["late"]["status"] == "called_off"
        assert memory.listings["due"]["status"] == "pre_listed"
        [told] = [e for e in memory.events if e.type == "listing.trip_called_off"]
        assert (told.payload.reason, told.payload.alert_id) == ("trip_not_landed", None)
