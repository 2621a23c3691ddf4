"""Placing orders exactly once, however often a phone on a bad network resends the request.

1. A known key: same body → the stored answer (a crashed first attempt is finished first);
   another body → 422.
2. A new key: price the cart from the listing snapshots (errors are answered, not recorded, so
   a retry after the snapshot arrived can succeed), plan one order per seller with fresh ids,
   each with its reservation deadline,
   and insert the key record holding that plan and the answer rendered from it. Losing that
   insert to a concurrent retry means the winner's plan and answer are used instead of ours.
   A catch order placed while a sea alert covers its origin is flagged at risk in its plan.
   An order of a trip's pre-listing is a pre-order (`domain.pre_orders`): cash on delivery only.
   A listing created a moment ago may not have reached the snapshots yet (its `listing.created`
   is still on its way): checkout waits for it a short while (`listing_wait`, woken as soon as
   this process copies it, see `ListingArrivals`), then accepts
   its line anyway as an order of its own with no seller yet, and listings decides (reserves,
   or rejects `not_found`): never "not found" for a listing whose 201 the seller already has.
   A listing the snapshots know is hidden is refused at once, as before.
   Before it, the checkout takes one saga-backlog slot per planned order
   (`domain.saga_backlog`): with the saga behind, it is refused (429) before any write, and a
   replay (step 1) never takes one, as its orders were admitted the first time.
3. Insert the planned orders (idempotent by `_id`; a retry inserts them again, which repairs a
   crash after step 2), then answer what the key record holds.

Every store call on this path names an exact `_id` (key record, snapshots, inserts): on
FerretDB any other filter reads the whole collection, and the key records grow by one per
checkout. The answer is stored with the plan, not after the inserts, because it is rendered
from the plan alone; that saves the guarded completion write each checkout used to make.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from lumbung_shared.mongo import Document

from lumbung_orders.domain import risk
from lumbung_orders.domain.events import OrderEvent
from lumbung_orders.domain.idempotency import IdempotencyRecord, check_replay, request_fingerprint
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pre_orders import check_pre_order_payment, is_pre_order
from lumbung_orders.domain.pricing import ListingSnapshot, PlaceOrderRequest, price_order
from lumbung_orders.domain.saga_backlog import SagaBacklog, SagaBacklogFullError
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.messaging.wire import OrderWire
from lumbung_orders.storage.idempotency import IdempotencyRepository, record_id
from lumbung_orders.storage.listing_snapshots import ListingSnapshotRepository
from lumbung_orders.storage.orders import (
    OrderRepository,
    from_document,
    to_document,
)
from lumbung_orders.storage.sea_alerts import ActiveSeaAlerts
from lumbung_orders.usecases.listing_snapshots import ListingArrivals

PLACED_STATUS = 202

Render = Callable[[StoredOrder], Document]
"""How an order is shown to the buyer; stored as the answer every retry gets back."""


@dataclass(frozen=True)
class PlacedOrders:
    """The HTTP answer to a checkout, identical for every retry with the same key."""

    status: int
    body: Document
    replayed: bool


class PlaceOrder:
    """The place-order use case."""

    def __init__(
        self,
        *,
        orders: OrderRepository,
        keys: IdempotencyRepository,
        snapshots: ListingSnapshotRepository,
        alerts: ActiveSeaAlerts,
        render: Render,
        wire: OrderWire,
        decide_within: timedelta,
        listing_wait: float = 0.0,
        arrivals: ListingArrivals | None = None,
        backlog: SagaBacklog | None = None,
    ) -> None:
        self._orders = orders
        self._wire = wire
        self._decide_within = decide_within
        self._listing_wait = listing_wait
        self._arrivals = arrivals or ListingArrivals()
        self._keys = keys
        self._snapshots = snapshots
        self._alerts = alerts
        self._render = render
        self._backlog = backlog

    async def place(self, buyer_id: str, key: str, request: PlaceOrderRequest) -> PlacedOrders:
        fingerprint = request_fingerprint(buyer_id, request.model_dump(mode="json"))
        existing = await self._keys.get(buyer_id, key)
        if existing is not None:
            _check(existing, fingerprint)
            return await self._finish(existing, replayed=True)
        if self._backlog is not None and self._backlog.full:
            raise SagaBacklogFullError  # before the snapshot reads: refusing costs no store call
        plan = await self._plan(buyer_id, request)
        mine = {
            "_id": record_id(buyer_id, key),
            "key": key,
            "buyer_id": buyer_id,
            "fingerprint": fingerprint,
            "order_ids": [doc["_id"] for doc in plan],
            "plan": plan,
            "response": self._answer(plan),
            "created_at": datetime.now(UTC),
        }
        held = await self._claim(mine)
        if held is not mine:
            _check(held, fingerprint)
        return await self._finish(held, replayed=held is not mine)

    async def _claim(self, mine: Document) -> Document:
        """Store our key record holding the backlog slots of its orders, or the winner's.

        Slots go back when the record is not ours (a concurrent retry won; its orders hold
        the winner's slots) or when storing it failed (an error, or the checkout's budget cut
        it off); once stored, a retry inserts its orders, so they keep their slots. A record
        stored although its answer was lost only goes uncounted: the bound errs by its orders.
        """
        if self._backlog is None:
            return await self._keys.claim(mine)
        self._backlog.take(mine["order_ids"])
        try:
            held = await self._keys.claim(mine)
        except BaseException:
            self._backlog.settle(mine["order_ids"])
            raise
        if held is not mine:
            self._backlog.settle(mine["order_ids"])
        return held

    async def _plan(self, buyer_id: str, request: PlaceOrderRequest) -> list[Document]:
        """Price the cart and build each seller's order document with its `order.placed`."""
        found = await self._snapshots_of([line.listing_id for line in request.lines])
        snapshots = {
            listing_id: ListingSnapshot.model_validate({**doc, "listing_id": listing_id})
            for listing_id, doc in found.items()
        }
        now = datetime.now(UTC)
        plan = []
        for priced in price_order(request, snapshots, buyer_id=buyer_id):
            pre_order = is_pre_order(
                snapshots[line.listing_id].status
                for line in priced.lines
                if line.listing_id in snapshots
            )
            if pre_order:
                check_pre_order_payment(request.payment_method)
            order, events = Order.place(
                order_id=str(uuid4()),
                buyer_id=buyer_id,
                priced=priced,
                request=request,
                at=now,
                decide_within=self._decide_within,
                pre_order=pre_order,
            )
            events += await self._flag_if_alerted(order, now)
            plan.append(self._orders.new_document(order, self._wire.envelopes(order, events), now))
        return plan

    async def _snapshots_of(self, ids: list[str]) -> dict[str, Document]:
        """The snapshots of `ids`, waiting a bounded while for any not copied yet.

        Read again when this process copies one of the missing listings, and once more when
        the wait runs out (another replica may have copied it), instead of polling.
        """
        deadline = time.monotonic() + self._listing_wait
        found = await self._snapshots.many(ids)
        while (missing := set(ids) - found.keys()) and (left := deadline - time.monotonic()) > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await self._arrivals.wait(missing)
            found |= await self._snapshots.many(sorted(missing))  # only what is still missing
        return found

    async def _flag_if_alerted(self, order: Order, now: datetime) -> list[OrderEvent]:
        """A catch order placed while a sea alert covers its origin is at risk from the start."""
        catch_regencies = to_document(order)["catch_regencies"]
        events: list[OrderEvent] = []
        for alert_id, regencies in (await self._alerts.covering(catch_regencies, now)).items():
            events += risk.flag_orders([order], alert_id, regencies, now)
        return events

    def _answer(self, plan: list[Document]) -> Document:
        return {
            "status": PLACED_STATUS,
            "body": {"orders": [self._render(from_document(doc)) for doc in plan]},
        }

    async def _finish(self, record: Document, *, replayed: bool) -> PlacedOrders:
        """Make sure the planned orders exist, then give the key's answer.

        The inserts run on every replay too: each is an exact-`_id` insert that fails at once
        for an order already there, and they are what repairs a first attempt that crashed
        between its key record and its orders.
        """
        for doc in record["plan"]:
            await self._orders.insert(doc)
        response = record.get("response")
        if response is None:  # a record from before answers were stored with the plan
            response = self._answer(record["plan"])
            await self._keys.complete(record["_id"], response)
        return PlacedOrders(int(response["status"]), response["body"], replayed)


def _check(record: Document, fingerprint: str) -> None:
    """422 when the key was first used for a different request."""
    check_replay(
        IdempotencyRecord(
            key=record["key"],
            buyer_id=record["buyer_id"],
            fingerprint=record["fingerprint"],
            order_ids=tuple(record["order_ids"]),
            created_at=record["created_at"],
        ),
        fingerprint,
    )
