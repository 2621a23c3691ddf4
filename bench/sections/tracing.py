"""What tracing costs: the order saga and a gateway GET with tracing off, then on, same stack.

The stack starts untraced. The section measures, restarts the four services exporting every
span to a Jaeger of the stack's own (`Stack.tracing`, the same wiring `make up OBSERVABILITY=1`
uses: a batch span processor, OTLP/HTTP), measures the same again, and puts the services back
untraced. Each phase: a listing GET through the gateway at 8 in flight for a bounded count and
time (requests/s), then orders at 8 in flight, each waited for (bounded) until its
`order.reserved` is seen on Kafka (reserved/s from the first POST to the last reservation).
Every request is sampled: this is the worst case, not a production sampling ratio.
Target (issue 15): at most 10 % throughput lost with tracing on, i.e. ≥ 90 % of off.

Budget: ~2 min (two phases of ~25 s, three restarts of the services of ~10 s each);
`quick`: a quarter of the requests.
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

from bench.harness import BenchContext, Row, at_least
from bench.shop import LISTING, EventWatch, Shop

SECTION = "tracing"
SHARE = 0.90
IN_FLIGHT = 8
GETS = (1600, 12.0)  # requests at most, seconds at most
ORDERS = (160, 15.0, 30.0)  # orders at most, seconds of posting at most, seconds to drain


@dataclass
class Phase:
    """One phase's throughput: GETs answered 200 per second, orders reserved per second."""

    gets: int = 0
    get_failures: int = 0
    get_seconds: float = 0.0
    accepted: int = 0
    reserved: int = 0
    saga_seconds: float = 0.0

    @property
    def get_rate(self) -> float | None:
        return self.gets / self.get_seconds if self.get_seconds else None

    @property
    def reserved_rate(self) -> float | None:
        return self.reserved / self.saga_seconds if self.saga_seconds and self.reserved else None


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

        began = time.perf_counter()
        await asyncio.gather(*(reader() for _ in range(IN_FLIGHT)))
        phase.get_seconds = time.perf_counter() - began


async def _orders(shop: Shop, watch: EventWatch, count: int, phase: Phase) -> None:
    _, post_seconds, drain_seconds = ORDERS
    began = time.perf_counter()
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
    phase.accepted = len(accepted)
    phase.reserved = watch.reserved_count(accepted)
    phase.saga_seconds = last - began


def _restart(ctx: BenchContext, tracing: bool) -> None:
    """The four services again, exporting spans to the stack's Jaeger or not."""
    stack = ctx.stack
    ctx.progress(f"{SECTION}: restarting the services with tracing {'on' if tracing else 'off'}")
    if tracing:
        stack.jaeger.start()
    for service in reversed(SERVICE_NAMES):
        stack.stop_service(service)
    stack.tracing = tracing
    stack.start_services()


async def _phase(ctx: BenchContext, path: str, reader: dict[str, str], label: str) -> Phase:
    scale = 4 if ctx.quick else 1
    phase = Phase()
    ctx.progress(f"{SECTION}: tracing {label}: GET through the gateway at c={IN_FLIGHT}")
    await _gets(ctx.stack, path, reader, GETS[0] // scale, phase)
    ctx.progress(f"{SECTION}: tracing {label}: orders at c={IN_FLIGHT}")
    async with (
        Shop.open(ctx.stack, connections=2 * IN_FLIGHT) as shop,
        EventWatch(ctx.stack.kafka.bootstrap, [str(Topic.ORDER_EVENTS)]) as watch,
    ):
        await shop.place(0)  # warm the listings' snapshots into orders
        await _orders(shop, watch, ORDERS[0] // scale, phase)
    return phase


def _rows(off: Phase, on: Phase) -> list[Row]:
    gets = f"{on.gets} vs {off.gets} answered 200 ({on.get_failures}/{off.get_failures} failed)"
    sagas = f"{on.reserved}/{on.accepted} vs {off.reserved}/{off.accepted} reserved/accepted"
    return [
        at_least(SECTION, f"gateway GET listing req/s, c={IN_FLIGHT}, tracing on",
                 on.get_rate, "req/s", off.get_rate, "tracing off", SHARE, gets),
        at_least(SECTION, f"orders reserved/s, c={IN_FLIGHT}, tracing on",
                 on.reserved_rate, "orders/s", off.reserved_rate, "tracing off", SHARE, sagas),
    ]  # fmt: skip


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
    traced_before = stack.tracing
    try:
        if traced_before:
            await asyncio.to_thread(_restart, ctx, False)
        off = await _phase(ctx, path, reader, "off")
        await asyncio.to_thread(_restart, ctx, True)
        on = await _phase(ctx, path, reader, "on")
    finally:
        await asyncio.to_thread(_restart, ctx, traced_before)
    return _rows(off, on)
