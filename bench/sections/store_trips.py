"""Store round trips and Kafka records per order saga, counted (not timed).

Orders are placed through the gateway one at a time, each only after its `order.reserved` was
seen, and the metrics port's store-command counts (lumbung_shared.store_metrics) of listings and
orders are read before and after: the difference divided by the sagas is what one saga costs
the store, split by (collection, command, scan). On FerretDB every `scan=true` command reads
the whole collection and holds the service's one store connection meanwhile, so these rows say
which queries to remove from the hot path. The gateway's own store calls are not counted here.
Budget: ~45 s (20 sagas; `--quick`: 5).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

import httpx
from lumbung_shared.events import Topic

from bench.harness import BenchContext, Row, percentile
from bench.shop import EventWatch, Shop, StoreKey, store_commands

SECTION = "store_trips"
BACKENDS = ("listings", "orders")
SAGA_HOPS = 3
"""order.placed → listings, stock.reserved → orders, order.reserved out: the saga's path."""
RESERVED_WITHIN_SECONDS = 30.0
IDLE_SECONDS = 3.0
SETTLE_SECONDS = 5.0


@dataclass
class SagaTrips:
    """What `count` sagas, one at a time, cost each backend's store and the broker."""

    sagas: int = 0
    store: dict[str, Counter[StoreKey]] = field(default_factory=dict)
    micros: dict[str, Counter[StoreKey]] = field(default_factory=dict)
    """Summed answer time (µs) of those commands, as the services' PyMongo measured it."""
    idle_per_second: dict[str, float] = field(default_factory=dict)
    events: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    """POST → `order.reserved` of each saga, alone on the stack (no queue in front of it)."""

    def per_saga(self, service: str | None = None, *, scans_only: bool = False) -> float | None:
        """Store commands per completed saga (one service, or both backends)."""
        if not self.sagas:
            return None
        services = [service] if service else list(self.store)
        total = sum(
            n
            for name in services
            for (_, _, scan), n in self.store.get(name, Counter()).items()
            if scan == "true" or not scans_only
        )
        return total / self.sagas

    def store_ms(self, service: str, *, scans_only: bool = False) -> float | None:
        """Milliseconds per saga the service's one store connection spent on its commands."""
        if not self.sagas:
            return None
        micros = self.micros.get(service, Counter())
        total = sum(n for (_, _, scan), n in micros.items() if scan == "true" or not scans_only)
        return total / self.sagas / 1000

    def p50_ms(self) -> float | None:
        p50 = percentile(self.latencies, 0.5)
        return None if p50 is None else p50 * 1000

    def breakdown(self, service: str) -> str:
        """`n collection.command` per saga, most frequent first; `*` marks a scan."""
        counts, micros, sagas = self.store.get(service, Counter()), self.micros, max(1, self.sagas)
        parts = [
            f"{n / sagas:.2g} {coll or '-'}.{cmd}{'*' if scan == 'true' else ''} "
            f"({micros.get(service, Counter())[(coll, cmd, scan)] / sagas / 1000:.1f} ms)"
            for (coll, cmd, scan), n in counts.most_common()
        ]
        return ", ".join(parts) or "none"


Snapshot = dict[str, tuple[Counter[StoreKey], Counter[StoreKey]]]
"""Per backend: (commands, answer µs) so far."""


async def _snapshot(client: httpx.AsyncClient, ctx: BenchContext) -> Snapshot:
    return {name: await store_commands(client, ctx.stack.metrics_url(name)) for name in BACKENDS}


def _since(now: Counter[StoreKey], then: Counter[StoreKey]) -> Counter[StoreKey]:
    delta = now.copy()
    delta.subtract(then)
    return +delta


async def _settled(client: httpx.AsyncClient, ctx: BenchContext) -> Snapshot:
    """Counts once the last saga's trailing writes (outbox clean-up) have landed, bounded."""
    deadline = time.perf_counter() + SETTLE_SECONDS
    last = await _snapshot(client, ctx)
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
        now = await _snapshot(client, ctx)
        if now == last:
            break
        last = now
    return last


async def count_sagas(ctx: BenchContext, shop: Shop, watch: EventWatch, count: int) -> SagaTrips:
    """Place `count` orders one after another, each once the previous one is reserved."""
    trips = SagaTrips()
    async with httpx.AsyncClient(timeout=10) as client:
        idle_from = await _snapshot(client, ctx)
        await asyncio.sleep(IDLE_SECONDS)
        before = await _snapshot(client, ctx)
        for name in BACKENDS:
            idle = _since(before[name][0], idle_from[name][0])
            trips.idle_per_second[name] = idle.total() / IDLE_SECONDS
        events_before = watch.types.copy()
        for n in range(count):
            outcome = await shop.place(n)
            if outcome.order_id is None:
                trips.failures[f"POST {outcome.result}"] += 1
            elif await watch.reserved_within(outcome.order_id, RESERVED_WITHIN_SECONDS):
                trips.sagas += 1
                trips.latencies.append(watch.reserved[outcome.order_id] - outcome.started)
            else:
                trips.failures["not reserved in time"] += 1
        after = await _settled(client, ctx)
    for name in BACKENDS:
        trips.store[name] = _since(after[name][0], before[name][0])
        trips.micros[name] = _since(after[name][1], before[name][1])
    trips.events = watch.types - events_before
    return trips


def trip_rows(trips: SagaTrips) -> list[Row]:
    """One row per figure; counts have no baseline (they are what the saga costs)."""
    rows = [
        Row(
            SECTION,
            "store round trips per saga (listings + orders)",
            trips.per_saga(),
            "commands",
            note=f"{trips.sagas} sagas one at a time; gateway's own store calls not counted",
        ),
        Row(SECTION, "of which FerretDB scans", trips.per_saga(scans_only=True), "commands"),
        Row(SECTION, "POST → reserved p50, one saga at a time", trips.p50_ms(), "ms"),
    ]
    for name in BACKENDS:
        rows += [
            Row(
                SECTION,
                f"store round trips per saga: {name}",
                trips.per_saga(name),
                "commands",
                note=f"{trips.breakdown(name)}; idle {trips.idle_per_second.get(name, 0):.2g}/s",
            ),
            Row(
                SECTION,
                f"scans per saga: {name}",
                trips.per_saga(name, scans_only=True),
                "commands",
            ),
            Row(
                SECTION,
                f"store time per saga: {name}",
                trips.store_ms(name),
                "ms",
                note=f"of which scans {trips.store_ms(name, scans_only=True) or 0:.1f} ms; "
                "send → answer, the service's one connection busy meanwhile",
            ),
        ]
    per_saga = {t: n / trips.sagas for t, n in trips.events.most_common()} if trips.sagas else {}
    rows += [
        Row(
            SECTION,
            "Kafka records per saga",
            sum(per_saga.values()) if trips.sagas else None,
            "records",
            note=", ".join(f"{n:.2g} {t}" for t, n in per_saga.items()) or "none seen",
        ),
        Row(
            SECTION,
            "Kafka hops on the saga's path",
            SAGA_HOPS,
            "hops",
            note="order.placed → listings, stock.reserved → orders, order.reserved out",
        ),
    ]
    if trips.failures:
        rows.append(
            Row(
                SECTION,
                "sagas not completed",
                trips.failures.total(),
                "orders",
                note=", ".join(f"{k}: {n}" for k, n in trips.failures.most_common()),
            )
        )
    return rows


async def run(ctx: BenchContext) -> list[Row]:
    count = 5 if ctx.quick else 20
    ctx.progress(f"{SECTION}: listing goods, then {count} orders one at a time")
    async with (
        Shop.open(ctx.stack, listings=2, connections=4) as shop,
        EventWatch(ctx.stack.kafka.bootstrap, [str(t) for t in Topic]) as watch,
    ):
        trips = await count_sagas(ctx, shop, watch, count)
    ctx.progress(f"{SECTION}: {trips.sagas} sagas, {trips.per_saga()} store commands each")
    return trip_rows(trips)
