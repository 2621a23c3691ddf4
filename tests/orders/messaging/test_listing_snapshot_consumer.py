"""The listing-snapshot consumer, on FastStream's in-memory broker: each listing event reaches
the copy as one version-guarded write with the fields the read model keeps."""

from __future__ import annotations

from typing import Any

from lumbung_orders.messaging.listings import listing_handlers
from lumbung_shared.events import Topic
from lumbung_shared.events.listings import (
    ListingCreated,
    ListingDeleted,
    ListingStatusChanged,
    ListingUpdated,
)

from tests.orders.messaging.test_stock_and_sea_alert_consumers import deliver


class CopyRecorder:
    """Stands in for `usecases.listing_snapshots.CopyListing`."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, dict[str, Any]]] = []

    async def __call__(self, listing_id: str, version: int, fields: dict[str, Any]) -> bool:
        self.calls.append((listing_id, version, fields))
        return True


def snapshot(kind: type[ListingCreated] | type[ListingUpdated], **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "listing_id": "l-1",
        "seller_id": "farmer-1",
        "kind": "produce",
        "commodity": "bawang-merah",
        "title": "Bawang merah Amuntai",
        "unit": "kg",
        "price_per_unit": 32000,
        "quantity_available": 100,
        "status": "active",
        "origin_region": "63.08",
        "version": 1,
    }
    return kind(**(fields | changes))


class TestListingSnapshotConsumer:
    async def test_a_created_listing_is_copied_whole_at_its_version(self) -> None:
        copy = CopyRecorder()
        await deliver(listing_handlers(copy), Topic.LISTING_EVENTS, snapshot(ListingCreated))
        [(listing_id, version, fields)] = copy.calls
        assert (listing_id, version) == ("l-1", 1)
        assert fields["price_per_unit"] == 32000
        assert fields["seller_id"] == "farmer-1"
        assert fields["deleted"] is False
        assert "listing_id" not in fields
        assert "version" not in fields

    async def test_a_price_change_reaches_the_copy_with_the_new_version(self) -> None:
        copy = CopyRecorder()
        raised = snapshot(ListingUpdated, price_per_unit=35000, version=4)
        await deliver(listing_handlers(copy), Topic.LISTING_EVENTS, raised)
        assert [(c[0], c[1], c[2]["price_per_unit"]) for c in copy.calls] == [("l-1", 4, 35000)]

    async def test_a_status_change_copies_only_the_status(self) -> None:
        copy = CopyRecorder()
        paused = ListingStatusChanged(
            listing_id="l-1",
            seller_id="farmer-1",
            previous_status="active",
            status="paused",
            version=5,
        )
        await deliver(listing_handlers(copy), Topic.LISTING_EVENTS, paused)
        assert copy.calls == [("l-1", 5, {"status": "paused"})]

    async def test_a_deleted_listing_is_marked_deleted(self) -> None:
        copy = CopyRecorder()
        deleted = ListingDeleted(listing_id="l-1", seller_id="farmer-1", version=6)
        await deliver(listing_handlers(copy), Topic.LISTING_EVENTS, deleted)
        assert copy.calls == [("l-1", 6, {"deleted": True})]

    async def test_a_redelivered_event_repeats_the_same_versioned_write(self) -> None:
        # No inbox read first (the handlers are self-idempotent): the repeat reaches the copy
        # as the very same write, which its version guard turns into a no-op.
        copy = CopyRecorder()
        created = snapshot(ListingCreated)
        await deliver(listing_handlers(copy), Topic.LISTING_EVENTS, created, repeat=True)
        first, again = copy.calls
        assert again == first
