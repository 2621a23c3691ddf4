"""The order saga under load: POST through the gateway → `order.reserved`, beside its floor.

At concurrency 1, 8 and 32, orders are posted for a bounded count and time, then the section
waits (bounded) for their `order.reserved`. Per level: accepted/s (202s) and reserved/s,
POST → reserved p50/p99 (from the POST that got the 202), and every answer that was not a
202 (status, timeout, transport error) counted, never raised. Each buyer behaves like the
phone app: a 429/503 with `Retry-After` is retried with the same Idempotency-Key after the
wait it asks for, so a level measures the rate the saga sustains, not a few seconds of burst.

The floor is what the saga cannot avoid on this machine: three
raw aiokafka produce→consume round trips plus its store round trips (counted by
`store_trips` on a few sagas one at a time, here also the warm-up) times a raw PyMongo
single-document write, all measured in this run on the same broker and FerretDB.
Budget: ~4 min (`--quick`: ~1.5 min).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from lumbung_shared.events import Topic
from pymongo import AsyncMongoClient

from bench.harness import BenchContext, Row, at_least, at_most, percentile
from bench.sections.store_trips import SAGA_HOPS, count_sagas
from bench.shop import EventWatch, Outcome, Shop

SECTION = "saga"
LEVELS = (1, 8, 32)
RAW_TOPIC = "bench_saga_roundtrip"
RAW_DATABASE = "bench_saga"
RAW_WAIT_SECONDS = 10.0
MAX_RETRY_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Budget:
    """Per level: at most `orders` orders or `post_seconds` of posting, then a bounded drain."""

    orders: dict[int, int]
    post_seconds: float
    drain_seconds: float
    raw_samples: int
    warm_up_sagas: int


DEFAULT = Budget({1: 60, 8: 160, 32: 200}, 35.0, 45.0, 200, 5)
QUICK = Budget({1: 15, 8: 30, 32: 40}, 15.0, 20.0, 50, 3)


@dataclass
class Level:
    """What one concurrency level saw."""

    concurrency: int
    outcomes: list[Outcome] = field(default_factory=list)
    began: float = 0.0
    posted_for: float = 0.0
    latencies: list[float] = field(default_factory=list)
    last_reserved: float = 0.0

    @property
    def accepted(self) -> list[tuple[str, float]]:
        """(order id, start of the POST that got the 202) of every accepted order."""
        return [(o.order_id, o.started) for o in self.outcomes if o.order_id is not None]


async def run_level(shop: Shop, watch: EventWatch, concurrency: int, budget: Budget) -> Level:
    level = Level(concurrency, began=time.perf_counter())
    limit, stop_at = budget.orders[concurrency], level.began + budget.post_seconds
    numbers = iter(range(limit))

    async def buyer() -> None:
        """A phone: one order after another, each retried with its key as Retry-After asks."""
        for n in numbers:
            key = uuid4().hex
            while time.perf_counter() <= stop_at:
                outcome = await shop.place(n, key)
                level.outcomes.append(outcome)
                if outcome.retry_seconds is None:
                    break
                await asyncio.sleep(min(outcome.retry_seconds, MAX_RETRY_WAIT_SECONDS))

    await asyncio.gather(*(buyer() for _ in range(concurrency)))
    level.posted_for = time.perf_counter() - level.began
    drain_until = time.perf_counter() + budget.drain_seconds
    for order_id, started in level.accepted:
        await watch.reserved_within(order_id, max(0.0, drain_until - time.perf_counter()))
        if (at := watch.reserved.get(order_id)) is not None:
            level.latencies.append(at - started)
            level.last_reserved = max(level.last_reserved, at)
    return level


def _classify(outcomes: list[Outcome]) -> tuple[Counter[str], Counter[str], int]:
    """Errors by kind, back-pressure (429/503 with Retry-After) by status, and 5xx/timeouts."""
    errors: Counter[str] = Counter()
    pressure: Counter[str] = Counter()
    for o in outcomes:
        if o.result == "202":
            continue
        if o.result == "429" or (o.result == "503" and o.retry_after):
            pressure[f"{o.result}{'' if o.retry_after else ' without Retry-After'}"] += 1
        else:
            errors[o.result] += 1
    severe = sum(n for kind, n in errors.items() if not kind.startswith("4"))
    return errors, pressure, severe


def level_rows(level: Level, floor_ms: float | None) -> list[Row]:
    c = level.concurrency
    accepted, done = len(level.accepted), len(level.latencies)
    accepted_s = accepted / level.posted_for if level.posted_for else 0.0
    reserved_s = done / (level.last_reserved - level.began) if done else 0.0
    p50 = percentile(level.latencies, 0.5)
    p99 = percentile(level.latencies, 0.99)
    p50_ms, p99_ms = (None if p is None else p * 1000 for p in (p50, p99))
    errors, pressure, severe = _classify(level.outcomes)
    reserved = (SECTION, f"reserved/s at c={c}", reserved_s, "orders/s", accepted_s or None,
                "accepted/s")  # fmt: skip
    reserved_row = at_least(*reserved, 0.6) if c == 8 else Row(*reserved)  # the target: c=8
    return [
        Row(SECTION, f"accepted/s at c={c}", accepted_s, "orders/s",
            note=f"{accepted} of {len(level.outcomes)} POSTs in {level.posted_for:.1f} s"),
        reserved_row,
        at_most(SECTION, f"POST → reserved p50 at c={c}", p50_ms, "ms", floor_ms, "floor", 10,
                f"{done} orders reserved"),
        at_most(SECTION, f"POST → reserved p99 at c={c}", p99_ms, "ms", p50_ms, "p50", 5),
        Row(SECTION, f"POST errors at c={c}", errors.total(), "requests",
            target="" if c == 1 else "no 5xx, timeout or transport error",
            met=None if c == 1 else severe == 0,
            note=", ".join(f"{k}: {n}" for k, n in errors.most_common())),
        Row(SECTION, f"POST back-pressure at c={c}", pressure.total(), "requests",
            note=", ".join(f"{k}: {n}" for k, n in pressure.most_common())),
        Row(SECTION, f"not reserved after drain at c={c}", accepted - done, "orders"),
    ]  # fmt: skip


async def kafka_round_trips(bootstrap: str, count: int) -> list[float]:
    """One record at a time: produce (idempotent, acks=all, as the services), wait until read.

    A record not read back within `RAW_WAIT_SECONDS` is left out (and shows as fewer samples).
    """
    topic = f"{RAW_TOPIC}_{uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1)])
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, group_id=f"bench-{uuid4().hex[:8]}",
            auto_offset_reset="latest", enable_auto_commit=False,
        )  # fmt: skip
        await producer.start()
        await consumer.start()
        try:
            while not consumer.assignment():
                await consumer.getmany(timeout_ms=100)
            for partition in consumer.assignment():
                await consumer.position(partition)
            latencies = []
            for n in range(count):
                started, value = time.perf_counter(), str(n).encode()
                await producer.send_and_wait(topic, value)
                while time.perf_counter() - started < RAW_WAIT_SECONDS:
                    batch = await consumer.getmany(timeout_ms=1000)
                    if any(m.value == value for ms in batch.values() for m in ms):
                        latencies.append(time.perf_counter() - started)
                        break
            return latencies
        finally:
            await producer.stop()
            await consumer.stop()
    finally:
        await admin.delete_topics([topic])
        await admin.close()


async def store_writes(url: str, count: int) -> list[float]:
    """Serial single-document writes FerretDB pushes down: insert, then update by exact `_id`."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url, maxPoolSize=1)
    collection = client[RAW_DATABASE]["writes"]
    latencies = []
    try:
        for n in range(count):
            started = time.perf_counter()
            if n % 2 == 0:
                await collection.insert_one({"_id": f"w{n}", "version": 1, "outbox": []})
            else:
                await collection.update_one({"_id": f"w{n - 1}"}, {"$inc": {"version": 1}})
            latencies.append(time.perf_counter() - started)
        return latencies
    finally:
        await client.drop_database(RAW_DATABASE)
        await client.close()


def _floor_row(kafka_ms: float | None, write_ms: float | None, trips: float | None) -> Row:
    """Three raw Kafka round trips plus the saga's store round trips as raw writes."""
    if kafka_ms is None or write_ms is None or trips is None:
        return Row(SECTION, "floor (POST → reserved)", None, "ms", note="a baseline is missing")
    return Row(
        SECTION,
        "floor (POST → reserved)",
        SAGA_HOPS * kafka_ms + trips * write_ms,
        "ms",
        note=f"{SAGA_HOPS} x {kafka_ms:.1f} ms Kafka + {trips:.1f} store trips x {write_ms:.1f} ms",
    )


async def run(ctx: BenchContext) -> list[Row]:
    budget = QUICK if ctx.quick else DEFAULT
    ctx.progress(f"{SECTION}: raw baselines ({budget.raw_samples} Kafka round trips and writes)")
    kafka = await kafka_round_trips(ctx.stack.kafka.bootstrap, budget.raw_samples)
    writes = await store_writes(ctx.stack.mongo.url, budget.raw_samples)
    kafka_p50, write_p50 = (None if not xs else median(xs) * 1000 for xs in (kafka, writes))
    rows = [
        Row(SECTION, "raw aiokafka round trip p50", kafka_p50, "ms",
            note=f"idempotent, acks=all; {len(kafka)} of {budget.raw_samples} read back"),
        Row(SECTION, "raw PyMongo write p50", write_p50, "ms", note="insert / update by _id"),
    ]  # fmt: skip
    async with (
        Shop.open(ctx.stack, connections=2 * max(LEVELS)) as shop,
        EventWatch(ctx.stack.kafka.bootstrap, [str(t) for t in Topic]) as watch,
    ):
        ctx.progress(f"{SECTION}: {budget.warm_up_sagas} sagas one at a time (warm-up, trips)")
        trips = await count_sagas(ctx, shop, watch, budget.warm_up_sagas)
        floor = _floor_row(kafka_p50, write_p50, trips.per_saga())
        alone = Row(SECTION, "POST → reserved p50, one saga at a time", trips.p50_ms(), "ms",
                    floor.value, "floor", note=f"{trips.sagas} sagas, nothing queued")  # fmt: skip
        rows += [floor, alone]
        for concurrency in LEVELS:
            ctx.progress(f"{SECTION}: concurrency {concurrency}")
            level = await run_level(shop, watch, concurrency, budget)
            rows += level_rows(level, floor.value)
            ctx.progress(
                f"{SECTION}: c={concurrency}: {len(level.accepted)} accepted, "
                f"{len(level.latencies)} reserved"
            )
    return rows
