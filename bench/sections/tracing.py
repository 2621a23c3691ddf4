"""What tracing costs: the order saga and a gateway GET with tracing off and on, same stack.

Rounds alternate off, on, sampled, off, on, sampled: before each the four services are
restarted exporting spans to a Jaeger of the stack's own or not (`Stack.tracing`, the wiring
`make up OBSERVABILITY=1` uses: a batch span processor, OTLP/HTTP), so a neighbour's burst of
CPU hurts every mode alike. Each round: a listing GET through the gateway at 8 in flight for a
bounded count and time, then orders at 8 in flight, each waited for (bounded) until its
`order.reserved` is seen on Kafka. Per mode: GET requests/s and orders reserved/s over its
rounds, and the services' CPU (from /proc) per GET and per order, which a busy neighbour moves
far less than wall-clock rates. "on" keeps every trace (the worst case); "sampled"
keeps one in ten (`parentbased_traceidratio` 0.1, a production setting: the gateway decides and
the services follow, so a kept trace is whole). Target (issue 15): at most 10 % throughput
lost, i.e. ≥ 90 % of off.

Budget: ~3.5 min (six rounds of ~20 s, seven restarts of ~10 s); `quick`: less posting.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from uuid import uuid4

import aiohttp
from devstack.stack import SERVICE_NAMES, Stack
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_shared.events import Topic

from bench.harness import BenchContext, Row, at_least, cpu_seconds
from bench.shop import LISTING, EventWatch, Shop

SECTION = "tracing"
SHARE = 0.90
IN_FLIGHT = 8
GETS = (800, 8.0)  # per round: requests at most, seconds at most
ORDERS = (80, 10.0, 20.0)  # per round: orders at most, seconds of posting, seconds to drain
MODES: dict[str, float | None] = {"off": None, "on": 1.0, "sampled": 0.1}
"""Tracing off; every trace kept; one trace in ten kept (a production setting)."""
ROUNDS = ("off", "on", "sampled", "off", "on", "sampled")


@dataclass
class Phase:
    """One mode's rounds: GETs answered and orders reserved, their seconds and CPU seconds."""

    gets: int = 0
    get_failures: int = 0
    get_seconds: float = 0.0
    get_cpu: float = 0.0
    accepted: int = 0
    reserved: int = 0
    saga_seconds: float = 0.0
    saga_cpu: float = 0.0

    @property
    def get_rate(self) -> float | None:
        return self.gets / self.get_seconds if self.get_seconds else None

    @property
    def reserved_rate(self) -> float | None:
        return self.reserved / self.saga_seconds if self.saga_seconds and self.reserved else None

    @property
    def cpu_ms_per_get(self) -> float | None:
        return 1000 * self.get_cpu / self.gets if self.gets else None

    @property
    def cpu_ms_per_order(self) -> float | None:
        return 1000 * self.saga_cpu / self.reserved if self.reserved else None


def _services_cpu(stack: Stack) -> float:
    """User + system CPU seconds of the four services so far (their current processes)."""
    return sum(cpu_seconds(stack.process(s).pid()) or 0.0 for s in SERVICE_NAMES)


async def _gets(stack: Stack, path: str, headers: dict[str, str], count: int, phase: Phase) -> None:
    deadline = time.perf_counter() + GETS[1]
    numbers = iter(range(count))
    connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def reader() -> None:
            for _ in numbers:
                if time.perf_counter() > deadline:
                    return
                try:
                    async with session.get(f"{stack.url('gateway')}{path}", headers=headers) as r:
                        await r.read()
                        ok = r.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                phase.gets += ok
                phase.get_failures += not ok

        began, cpu = time.perf_counter(), _services_cpu(stack)
        await asyncio.gather(*(reader() for _ in range(IN_FLIGHT)))
        phase.get_seconds += time.perf_counter() - began
        phase.get_cpu += _services_cpu(stack) - cpu


async def _orders(stack: Stack, shop: Shop, watch: EventWatch, count: int, phase: Phase) -> None:
    _, post_seconds, drain_seconds = ORDERS
    began, cpu = time.perf_counter(), _services_cpu(stack)
    stop_at = began + post_seconds
    numbers = iter(range(count))
    accepted: list[str] = []

    async def buyer() -> None:
        for n in numbers:
            if time.perf_counter() > stop_at:
                return
            outcome = await shop.place(n, uuid4().hex)
            if outcome.order_id is not None:
                accepted.append(outcome.order_id)
            elif outcome.retry_seconds is not None:
                await asyncio.sleep(min(outcome.retry_seconds, 2.0))

    await asyncio.gather(*(buyer() for _ in range(IN_FLIGHT)))
    drain_until = time.perf_counter() + drain_seconds
    last = began
    for order_id in accepted:
        await watch.reserved_within(order_id, max(0.0, drain_until - time.perf_counter()))
        last = max(last, watch.reserved.get(order_id, began))
    phase.saga_cpu += _services_cpu(stack) - cpu
    phase.accepted += len(accepted)
    phase.reserved += watch.reserved_count(accepted)
    phase.saga_seconds += last - began


def _restart(ctx: BenchContext, label: str) -> None:
    """The four services again, exporting spans to the stack's Jaeger (at the mode's ratio,
    in the SDK's default 5 s batches, as in production) or not."""
    stack = ctx.stack
    ctx.progress(f"{SECTION}: restarting the services with tracing {label}")
    ratio = MODES[label]
    if ratio is not None:
        stack.jaeger.start()
    for service in reversed(SERVICE_NAMES):
        stack.stop_service(service)
    stack.tracing = ratio is not None
    stack.trace_sample_ratio = ratio if ratio is not None and ratio < 1 else None
    stack.trace_export_delay_ms = 5000
    stack.start_services()


async def _round(
    ctx: BenchContext, path: str, reader: dict[str, str], label: str, phase: Phase
) -> None:
    scale = 4 if ctx.quick else 1
    ctx.progress(f"{SECTION}: tracing {label}: GET through the gateway at c={IN_FLIGHT}")
    await _gets(ctx.stack, path, reader, GETS[0] // scale, phase)
    ctx.progress(f"{SECTION}: tracing {label}: orders at c={IN_FLIGHT}")
    async with (
        Shop.open(ctx.stack, connections=2 * IN_FLIGHT) as shop,
        EventWatch(ctx.stack.kafka.bootstrap, [str(Topic.ORDER_EVENTS)]) as watch,
    ):
        await shop.place(0)  # warm the listings' snapshots into orders
        await _orders(ctx.stack, shop, watch, ORDERS[0] // scale, phase)


async def _traced_services(stack: Stack) -> list[str]:
    """The services Jaeger holds spans of: proof the 'on' phase really exported."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        try:
            async with session.get(f"{stack.jaeger_url}/api/services") as answer:
                names: list[str] = (await answer.json()).get("data") or []
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return []
    return sorted(names)


def _rows(phases: dict[str, Phase], traced: list[str]) -> list[Row]:
    if not {"gateway", "listings", "orders"} <= set(traced):
        note = f"Jaeger holds spans of {traced or 'nothing'}: tracing was not on"
        return [Row(SECTION, "tracing overhead", None, "", target="spans in Jaeger", met=False,
                    note=note)]  # fmt: skip
    off = phases["off"]
    rows = []
    for label, how in (("on", "every trace kept"), ("sampled", "1 trace in 10 kept")):
        on = phases[label]
        gets = f"{how}; {on.gets} vs {off.gets} answered 200 ({on.get_failures} failed)"
        sagas = f"{how}; {on.reserved}/{on.accepted} vs {off.reserved}/{off.accepted} reserved"
        rows += [
            at_least(SECTION, f"gateway GET listing req/s, c={IN_FLIGHT}, tracing {label}",
                     on.get_rate, "req/s", off.get_rate, "tracing off", SHARE, gets),
            at_least(SECTION, f"orders reserved/s, c={IN_FLIGHT}, tracing {label}",
                     on.reserved_rate, "orders/s", off.reserved_rate, "tracing off", SHARE, sagas),
            Row(SECTION, f"services' CPU per GET, tracing {label}", on.cpu_ms_per_get, "ms",
                off.cpu_ms_per_get, "tracing off", note="all four services' processes"),
            Row(SECTION, f"services' CPU per order, tracing {label}", on.cpu_ms_per_order, "ms",
                off.cpu_ms_per_order, "tracing off", note="all four, relays included"),
        ]  # fmt: skip
    return rows


async def run(ctx: BenchContext) -> list[Row]:
    stack = ctx.stack
    issuer = TokenIssuer(
        KeySet.from_setting(stack.secrets.jwt_keys), "https://lumbung.id", "lumbung-api"
    )
    farmer = {"Authorization": f"Bearer {issuer.issue('bench-farmer', Role.FARMER, ['63.08'])}"}
    reader = {"Authorization": f"Bearer {issuer.issue('bench-buyer', Role.BUYER)}"}
    listings = f"{stack.url('gateway')}/v1/listings"
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session,
        session.post(listings, json=LISTING, headers=farmer) as created,
    ):
        if created.status != 201:
            note = f"could not list the goods to read: {created.status}"
            return [Row(SECTION, "tracing overhead", None, "", note=note)]
        path = f"/v1/listings/{(await created.json())['id']}"
    before = (stack.tracing, stack.trace_sample_ratio, stack.trace_export_delay_ms)
    phases = {label: Phase() for label in MODES}
    try:
        for label in ROUNDS:
            await asyncio.to_thread(_restart, ctx, label)
            await _round(ctx, path, reader, label, phases[label])
        traced = await _traced_services(stack)
    finally:
        await asyncio.to_thread(_restart, ctx, "on" if before[0] else "off")
        stack.tracing, stack.trace_sample_ratio, stack.trace_export_delay_ms = before
    return _rows(phases, traced)
