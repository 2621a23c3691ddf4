"""Checkout and the saga backlog over an in-memory store: which checkouts take slots, and
which order changes give them back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from lumbung_orders.api.views import order_json
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import PlaceOrderRequest
from lumbung_orders.domain.saga_backlog import SagaBacklog, SagaBacklogFullError
from lumbung_orders.domain.states import Actor, OrderState
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.messaging.wire import OrderWire
from lumbung_orders.storage.idempotency import IdempotencyRepository
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository
from lumbung_orders.storage.orders import OrderRepository, from_document
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts
from lumbung_orders.usecases.order_changes import OrderChanges
from lumbung_orders.usecases.place_order import PlaceOrder
from lumbung_shared.mongo import Document

BUYER = "buyer-1"


def snapshot(seller_id: str) -> Document:
    return {
        "seller_id": seller_id,
        "title": "Bawang merah",
        "kind": "produce",
        "unit": "kg",
        "price_per_unit": 32000,
        "status": "active",
        "origin_region": "63.08",
        "version": 1,
    }


SNAPSHOTS = {"l-1": snapshot("farmer-1"), "l-2": snapshot("farmer-2")}


def cart(*listing_ids: str) -> PlaceOrderRequest:
    return PlaceOrderRequest.model_validate(
        {
            "lines": [{"listing_id": each, "quantity": 1} for each in listing_ids],
            "delivery": {"method": "pickup", "region_code": "63.08"},
            "payment_method": "cod",
        }
    )


class MemoryStore:
    """The calls checkout and `OrderChanges` make, on dicts."""

    new_document = staticmethod(OrderRepository.new_document)

    def __init__(self) -> None:
        self.keys: dict[str, Document] = {}
        self.orders: dict[str, StoredOrder] = {}
        self.rival: Document | None = None
        """A key record a concurrent retry stores just before our claim."""

    async def get(self, order_id: str) -> StoredOrder | None:
        return self.orders.get(order_id)

    async def claim(self, record: Document) -> Document:
        if self.rival is not None:
            self.keys[record["_id"]] = self.rival
        return self.keys.setdefault(record["_id"], record)

    async def many(self, listing_ids: list[str]) -> dict[str, Document]:
        return {each: SNAPSHOTS[each] for each in listing_ids}

    async def covering(self, regencies: list[str], now: datetime) -> dict[str, set[str]]:
        return {}

    async def insert(self, doc: Document) -> None:
        self.orders.setdefault(doc["_id"], from_document(doc))

    async def save(self, stored: StoredOrder, order: Order, events: Sequence[Any]) -> StoredOrder:
        self.orders[order.order_id] = StoredOrder(order, stored.version + 1, stored.updated_at)
        return self.orders[order.order_id]


def wired(limit: int = 4) -> tuple[MemoryStore, SagaBacklog, PlaceOrder, OrderChanges]:
    store = MemoryStore()
    backlog = SagaBacklog(limit, 5.0, lambda: 0.0)  # slots lapse only in the domain spec
    placing = PlaceOrder(
        orders=cast(OrderRepository, store),
        keys=cast(IdempotencyRepository, _Keys(store)),
        snapshots=cast(ListingSnapshotRepository, store),
        alerts=cast(ActiveSeaAlerts, store),
        render=order_json,
        wire=OrderWire(producer="orders"),
        decide_within=timedelta(seconds=60),
        backlog=backlog,
    )
    changes = OrderChanges(cast(OrderRepository, store), OrderWire(producer="orders"), backlog)
    return store, backlog, placing, changes


class _Keys:
    """The key-record calls, with the record ids `storage.idempotency` uses."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def get(self, buyer_id: str, key: str) -> Document | None:
        return next((r for r in self._store.keys.values() if r["key"] == key), None)

    async def claim(self, record: Document) -> Document:
        return await self._store.claim(record)


class TestCheckoutTakesSlots:
    async def test_a_new_checkout_takes_one_slot_per_order_placed(self) -> None:
        store, backlog, placing, _ = wired()
        answer = await placing.place(BUYER, "k-1", cart("l-1", "l-2"))
        assert len(answer.body["orders"]) == 2
        assert backlog.undecided == 2
        assert len(store.orders) == 2

    async def test_a_replay_takes_no_slot_and_is_answered_even_when_the_backlog_is_full(
        self,
    ) -> None:
        _, backlog, placing, _ = wired(limit=1)
        first = await placing.place(BUYER, "k-1", cart("l-1"))
        assert backlog.full
        again = await placing.place(BUYER, "k-1", cart("l-1"))
        assert again.replayed
        assert again.body == first.body
        assert backlog.undecided == 1

    async def test_a_new_checkout_beyond_the_limit_is_refused_before_anything_is_stored(
        self,
    ) -> None:
        store, _, placing, _ = wired(limit=1)
        await placing.place(BUYER, "k-1", cart("l-1"))
        with pytest.raises(SagaBacklogFullError):
            await placing.place(BUYER, "k-2", cart("l-2"))
        assert len(store.keys) == 1
        assert len(store.orders) == 1

    async def test_a_checkout_that_lost_its_key_to_a_concurrent_retry_gives_its_slots_back(
        self,
    ) -> None:
        store, backlog, placing, _ = wired()
        await placing.place(BUYER, "k-1", cart("l-1"))
        [winner] = store.keys.values()
        store.keys.clear()
        store.rival = winner  # the retry's record lands between our read and our claim
        answer = await placing.place(BUYER, "k-1", cart("l-1"))
        assert answer.replayed
        assert backlog.undecided == 1  # only the first attempt's order


class TestDecisionsFreeSlots:
    @pytest.mark.parametrize("decision", ["reserved", "rejected", "expired", "cancelled"])
    async def test_an_order_leaving_pending_frees_its_slot(self, decision: str) -> None:
        _, backlog, placing, changes = wired(limit=1)
        answer = await placing.place(BUYER, "k-1", cart("l-1"))
        order_id = answer.body["orders"][0]["id"]
        now = datetime.now(UTC)

        def decide(order: Order) -> list[Any]:
            if decision == "reserved":
                return order.on_stock_reserved(now).events
            if decision == "rejected":
                return order.on_stock_rejected("out_of_stock", now).events
            if decision == "expired":
                return order.expire(now + timedelta(hours=1))
            return order.cancel(Actor.BUYER, order.buyer_id, now)

        stored = await changes.change(order_id, decide)
        assert stored.order.state is not OrderState.PENDING
        assert not backlog.full

    async def test_a_change_that_leaves_the_order_pending_keeps_its_slot(self) -> None:
        _, backlog, placing, changes = wired(limit=1)
        answer = await placing.place(BUYER, "k-1", cart("l-1"))
        await changes.change(answer.body["orders"][0]["id"], lambda order: [])
        assert backlog.full
