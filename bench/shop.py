"""What the saga sections share: a buyer placing orders through the gateway, and a Kafka watch.

`Shop` lists a few goods as a farmer, waits until the orders service can price them, then
places one-line orders as a buyer, each with its own Idempotency-Key; every answer that is not
a 202 (a status, a timeout, a transport error) is an `Outcome`, never an exception, so the
sections count failures as results. `EventWatch` notes when each order's `order.reserved`
appears on the order topic (the saga's last step) and counts every event it sees by type.
`store_commands` reads a backend service's metrics port (lumbung_shared.store_metrics).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Self
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer
from devstack.stack import Stack
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer
from prometheus_client.parser import text_string_to_metric_families

LISTING = {
    "kind": "produce",
    "commodity": "bawang-merah",
    "title": "Bawang merah Amuntai",
    "unit": "kg",
    "price_per_unit": 32000,
    "quantity_available": 1_000_000,
    "min_order": 1,
    "origin_region": "63.08",
}
DELIVERY = {"method": "pickup", "region_code": "63.08"}
POST_TIMEOUT_SECONDS = 30.0
StoreKey = tuple[str, str, str]
"""(collection, command, scan) of `lumbung_store_commands_total`."""


@dataclass(frozen=True)
class Outcome:
    """One `POST /v1/orders`: its result ("202", "503", "timeout", "transport: …") and timing."""

    result: str
    started: float
    order_id: str | None = None
    retry_after: bool = False
    retry_seconds: float | None = None
    """The wait a 429/503 asked for (`Retry-After` in seconds), None for any other answer."""


class Shop:
    """A farmer's few listings and a buyer ordering them through the gateway."""

    def __init__(
        self, client: httpx.AsyncClient, buyer: dict[str, str], listing_ids: Sequence[str]
    ) -> None:
        self.client = client
        self._buyer = buyer
        self._listing_ids = list(listing_ids)

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls, stack: Stack, listings: int = 5, connections: int = 64
    ) -> AsyncIterator[Self]:
        issuer = TokenIssuer(
            KeySet.from_setting(stack.secrets.jwt_keys), "https://lumbung.id", "lumbung-api"
        )
        farmer = {"Authorization": f"Bearer {issuer.issue('bench-farmer', Role.FARMER, [])}"}
        buyer = {"Authorization": f"Bearer {issuer.issue('bench-buyer', Role.BUYER, [])}"}
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(
            base_url=stack.url("gateway"), limits=limits, timeout=POST_TIMEOUT_SECONDS
        ) as client:
            ids = [await _listing(client, farmer) for _ in range(listings)]
            yield cls(client, buyer, ids)

    async def place(self, n: int, key: str | None = None) -> Outcome:
        """Order one unit of listing `n mod listings`; whatever happens is the outcome.

        `key` is the Idempotency-Key: pass the same one to retry an order, as a phone does.
        """
        body = {
            "lines": [{"listing_id": self._listing_ids[n % len(self._listing_ids)], "quantity": 1}],
            "delivery": DELIVERY,
            "payment_method": "cod",
        }
        started = time.perf_counter()
        headers = {**self._buyer, "Idempotency-Key": key or uuid4().hex}
        try:
            response = await self.client.post("/v1/orders", json=body, headers=headers)
        except httpx.TimeoutException:
            return Outcome("timeout", started)
        except httpx.TransportError as exc:
            return Outcome(f"transport: {type(exc).__name__}", started)
        if response.status_code != 202:
            wait = response.headers.get("retry-after")
            asks_to_wait = response.status_code in {429, 503} and wait is not None
            return Outcome(
                str(response.status_code),
                started,
                retry_after=wait is not None,
                retry_seconds=_seconds(wait) if asks_to_wait else None,
            )
        return Outcome("202", started, order_id=response.json()["orders"][0]["id"])


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` as seconds (the services send delta-seconds); None if it is a date."""
    try:
        return max(0.0, float(retry_after or ""))
    except ValueError:
        return None


async def _listing(client: httpx.AsyncClient, farmer: dict[str, str]) -> str:
    created = await client.post("/v1/listings", json=LISTING, headers=farmer)
    created.raise_for_status()
    listing_id: str = created.json()["id"]
    for _ in range(300):  # until the orders service has the listing's snapshot to price from
        known = await client.get(f"/v1/orders/listing-snapshots/{listing_id}", headers=farmer)
        if known.status_code == 200:
            return listing_id
        await asyncio.sleep(0.1)
    raise RuntimeError("the listing never reached the orders service")


class EventWatch:
    """Notes the first `order.reserved` of each order, and counts every event seen by type."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self.reserved: dict[str, float] = {}
        self.types: Counter[str] = Counter()
        self._waiters: dict[str, asyncio.Future[float]] = {}
        self._consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=bootstrap,
            group_id=f"bench-{uuid4().hex[:8]}",
            auto_offset_reset="latest",
            enable_auto_commit=False,
        )
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Self:
        await self._consumer.start()
        while not self._consumer.assignment():
            await self._consumer.getmany(timeout_ms=100)
        for partition in self._consumer.assignment():  # fix "latest" before anything is sent
            await self._consumer.position(partition)
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()

    async def _run(self) -> None:
        async for message in self._consumer:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                event: dict[str, Any] = json.loads(message.value)
                self.types[event["type"]] += 1
                if event["type"] == "order.reserved":
                    self._note_reserved(event["key"], time.perf_counter())

    def _note_reserved(self, order_id: str, at: float) -> None:
        self.reserved.setdefault(order_id, at)
        waiter = self._waiters.pop(order_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(at)

    async def reserved_within(self, order_id: str, seconds: float) -> bool:
        """Wait (woken by the watch, no polling) until the order is reserved or time runs out."""
        if order_id in self.reserved:
            return True
        waiter = self._waiters.setdefault(order_id, asyncio.get_running_loop().create_future())
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout=seconds)
        except TimeoutError:
            return False
        return True

    def reserved_count(self, order_ids: Sequence[str]) -> int:
        return sum(1 for order_id in order_ids if order_id in self.reserved)


async def store_commands(
    client: httpx.AsyncClient, metrics_url: str
) -> tuple[Counter[StoreKey], Counter[StoreKey]]:
    """A backend service's store commands so far, and their answer time in µs, by StoreKey."""
    response = await client.get(metrics_url)
    response.raise_for_status()
    counts: Counter[StoreKey] = Counter()
    micros: Counter[StoreKey] = Counter()
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            labels = sample.labels
            key = (labels.get("collection", ""), labels.get("command", ""), labels.get("scan", ""))
            if sample.name == "lumbung_store_commands_total":
                counts[key] += int(sample.value)
            elif sample.name == "lumbung_store_command_seconds_total":
                micros[key] += int(sample.value * 1_000_000)
    return counts, micros
