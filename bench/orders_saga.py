"""The order saga end to end: POST through the gateway → `order.reserved`, beside raw Kafka.

Starts a private stack (Kafka, FerretDB, the four services) on free 127.0.0.1 ports in a
temporary folder, lists a few goods, then places N one-line orders through the gateway (each
with its own Idempotency-Key, `concurrency` in flight). A Kafka consumer on the order topic
notes when each order's `order.reserved` is published, i.e. when the whole saga
(orders → outbox relay → Kafka → listings holds stock → outbox relay → Kafka → orders →
outbox relay → Kafka) has finished. Prints accepted/s (202s), reserved/s and p50/p99 from POST
to `order.reserved`, and, in the same run on the same broker, a raw aiokafka produce→consume
round trip (one message at a time, idempotent producer with acks=all like the services) and
serial single-document PyMongo writes on the same FerretDB (a saga step is a few such writes).

    PYTHONPATH=deploy/local uv run python bench/orders_saga.py --orders 300 --concurrency 16

Load generator, broker, FerretDB and services share this machine's cores, and FerretDB is
much slower than MongoDB for serial writes, so compare the rows with each other rather than
reading the absolute figures as production numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from devstack.stack import Ports, Stack
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_shared.events import Topic, decode_event
from pymongo import AsyncMongoClient

MAX_ORDERS = 5_000
LISTINGS = 5
ROUND_TRIPS = 300
BENCH_TOPIC = "bench.roundtrip"
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
LOOSE_LIMITS = {
    "GATEWAY_IP_BURST": "1000000",
    "GATEWAY_IP_PER_SECOND": "1000000",
    "GATEWAY_ACCOUNT_BURST": "1000000",
    "GATEWAY_ACCOUNT_PER_SECOND": "1000000",
    "GATEWAY_ORDER_BURST": "1000000",
    "GATEWAY_ORDER_PER_SECOND": "1000000",
}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


class ReservedWatch:
    """Notes the moment each `order.reserved` appears on the order topic."""

    def __init__(self, bootstrap: str) -> None:
        self.seen: dict[str, float] = {}
        self._consumer = AIOKafkaConsumer(
            str(Topic.ORDER_EVENTS),
            bootstrap_servers=bootstrap,
            group_id=f"bench-{uuid4().hex[:8]}",
            auto_offset_reset="latest",
        )

    async def start(self) -> None:
        await self._consumer.start()
        while not self._consumer.assignment():
            await self._consumer.getmany(timeout_ms=100)
        for partition in self._consumer.assignment():
            await self._consumer.position(partition)

    async def run(self) -> None:
        async for message in self._consumer:
            event = decode_event(message.value)
            if event.type == "order.reserved":
                self.seen.setdefault(event.key, time.perf_counter())

    async def stop(self) -> None:
        await self._consumer.stop()


async def place_orders(
    stack: Stack, orders: int, concurrency: int
) -> tuple[dict[str, float], float, float]:
    """POST `orders` orders; returns POST start per order id, wall seconds, and reserved/s."""
    issuer = TokenIssuer(
        KeySet.from_setting(stack.secrets.jwt_keys), "https://lumbung.id", "lumbung-api"
    )
    farmer = {"Authorization": f"Bearer {issuer.issue('bench-farmer', Role.FARMER, [])}"}
    buyer = {"Authorization": f"Bearer {issuer.issue('bench-buyer', Role.BUYER, [])}"}
    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(
        base_url=stack.url("gateway"), limits=limits, timeout=60
    ) as client:
        listing_ids = [await _listing(client, farmer) for _ in range(LISTINGS)]
        watch = ReservedWatch(stack.kafka.bootstrap)
        await watch.start()
        watching = asyncio.create_task(watch.run())
        posted: dict[str, float] = {}
        queue = iter(range(orders))

        async def worker() -> None:
            for n in queue:
                body = {
                    "lines": [{"listing_id": listing_ids[n % LISTINGS], "quantity": 1}],
                    "delivery": DELIVERY,
                    "payment_method": "cod",
                }
                started = time.perf_counter()
                response = await client.post(
                    "/v1/orders", json=body, headers={**buyer, "Idempotency-Key": uuid4().hex}
                )
                if response.status_code != 202:
                    raise RuntimeError(f"POST: {response.status_code} {response.text[:200]}")
                posted[response.json()["orders"][0]["id"]] = started

        began = time.perf_counter()
        try:
            await asyncio.gather(*(worker() for _ in range(concurrency)))
        except BaseException:
            watching.cancel()
            await watch.stop()
            raise
        accepted_s = time.perf_counter() - began
        deadline = time.perf_counter() + 120
        while len(watch.seen.keys() & posted.keys()) < len(posted):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"only {len(watch.seen)} of {len(posted)} reserved in time")
            await asyncio.sleep(0.1)
        watching.cancel()
        await watch.stop()
    latencies = {oid: watch.seen[oid] - at for oid, at in posted.items()}
    reserved_s = max(watch.seen[oid] for oid in posted) - began
    return latencies, accepted_s, reserved_s


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


async def kafka_round_trips(bootstrap: str, count: int) -> list[float]:
    """One message at a time: produce (acks=all, idempotent), wait until consumed."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if BENCH_TOPIC not in await admin.list_topics():
            await admin.create_topics([NewTopic(BENCH_TOPIC, 1, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    consumer = AIOKafkaConsumer(
        BENCH_TOPIC, bootstrap_servers=bootstrap, auto_offset_reset="latest"
    )
    await producer.start()
    await consumer.start()
    try:
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=100)
        for partition in consumer.assignment():
            await consumer.position(partition)
        latencies = []
        for n in range(count):
            started = time.perf_counter()
            await producer.send_and_wait(BENCH_TOPIC, str(n).encode())
            while True:
                batch = await consumer.getmany(timeout_ms=1000)
                if any(m.value == str(n).encode() for ms in batch.values() for m in ms):
                    break
            latencies.append(time.perf_counter() - started)
        return latencies
    finally:
        await producer.stop()
        await consumer.stop()


async def mongo_writes(url: str, count: int) -> tuple[list[float], float]:
    """Serial single-document writes (insert, then a guarded `$inc`) on the same store."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url)
    collection = client["bench"]["writes"]
    latencies = []
    began = time.perf_counter()
    try:
        for n in range(count):
            started = time.perf_counter()
            if n % 2 == 0:
                await collection.insert_one({"_id": n, "version": 1, "outbox": []})
            else:
                await collection.update_one({"_id": n - 1, "version": 1}, {"$inc": {"version": 1}})
            latencies.append(time.perf_counter() - started)
        return latencies, time.perf_counter() - began
    finally:
        await client.drop_database("bench")
        await client.close()


async def measure(stack: Stack, orders: int, concurrency: int) -> None:
    kafka = await kafka_round_trips(stack.kafka.bootstrap, ROUND_TRIPS)
    writes, write_s = await mongo_writes(stack.mongo.url, ROUND_TRIPS)
    latencies, accepted_s, reserved_s = await place_orders(stack, orders, concurrency)
    saga = list(latencies.values())
    print(f"\n{orders} orders, concurrency {concurrency}, {LISTINGS} listings\n")
    print(f"accepted (202) per second : {orders / accepted_s:8.1f}")
    print(f"reserved per second       : {orders / reserved_s:8.1f}")
    print("\n| path                                |      n |  p50 ms  |  p99 ms  |")
    print("|-------------------------------------|--------|----------|----------|")
    print(
        f"| POST → order.reserved (saga)        | {len(saga):>6} | "
        f"{statistics.median(saga) * 1000:>8.1f} | {_pct(saga, 0.99):>8.1f} |"
    )
    print(
        f"| raw aiokafka produce → consume      | {len(kafka):>6} | "
        f"{statistics.median(kafka) * 1000:>8.1f} | {_pct(kafka, 0.99):>8.1f} |"
    )
    print(
        f"| raw PyMongo write (FerretDB)        | {len(writes):>6} | "
        f"{statistics.median(writes) * 1000:>8.1f} | {_pct(writes, 0.99):>8.1f} |"
    )
    print(f"\nserial FerretDB writes per second: {len(writes) / write_s:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300, help=f"max {MAX_ORDERS}")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-") as home:
        stack = Stack(
            data_dir=Path(home) / "data",
            run_dir=Path(home) / "run",
            ports=Ports.free(),
            partitions=2,
            service_env={"gateway": LOOSE_LIMITS},
        )
        try:
            stack.up()
            orders = max(1, min(args.orders, MAX_ORDERS))
            asyncio.run(measure(stack, orders, max(1, min(args.concurrency, 64))))
        finally:
            stack.down()


if __name__ == "__main__":
    main()
