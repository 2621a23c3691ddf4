"""The gateway's cost: the same listing GET through the gateway and straight to listings.

Through the gateway a request pays for the Bearer check, rate limits, identity signing and the
proxy hop; the direct request carries an identity header signed here, as the gateway would sign
it, so the service does the same work on both paths. The two paths alternate in rounds (so a
neighbour's burst of CPU hurts both alike) at 1 and 8 requests in flight, and the difference is
the gateway's. Two more rows compare httpx with aiohttp (the proxy's upstream client since
issue 13) on the same GET straight to listings, so the reason for that choice stays in view.

The load generator is aiohttp: it costs less CPU per request than httpx, and every core it
takes is one the gateway and the service cannot use on this 2-core box. CPU per request (from
/proc) sits beside the wall-clock figures: a neighbour's burst moves latencies several-fold,
CPU per request far less.

Budget: at most ~45 s (the runner stops the section at 60 s): c=1 600 requests per path in
14 s, c=8 1,200 in 16 s, the clients 600 each in 8 s, each phase's time split evenly between
its rounds, plus a 1 s warm-up per path; `quick`: a quarter of the requests. The counts in each
row's note say how many were answered; failed requests are counted, never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

import aiohttp
import httpx
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_shared.identity import IDENTITY_HEADER, Identity, sign_identity

from bench.harness import BenchContext, Row, at_least, cpu_seconds, percentile
from bench.shop import LISTING  # the saga's goods; any listing reads the same

SECTION = "gateway"
ROUNDS = 4
ADDED_P50_MS = 1.5  # the target: at most 1.5 ms added p50 at one request in flight
SHARE_AT_8 = 0.70  # and at least 70 % of the direct requests/s at eight in flight
PHASES = ((1, 600, 14.0), (8, 1200, 16.0))  # in flight, requests per path, seconds at most
CLIENTS = (600, 8.0)  # requests per client, seconds at most
WARM_UP_SECONDS = 1.0
Send = Callable[[], Awaitable[int]]


@dataclass
class Tally:
    """Latencies (s) of the answered requests, wall time, and what went wrong."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    cpu: float | None = None
    """CPU seconds the measured process spent on these requests (None if unreadable)."""

    @property
    def rate(self) -> float | None:
        return len(self.latencies) / self.seconds if self.seconds and self.latencies else None

    @property
    def cpu_us(self) -> float | None:
        """CPU µs per answered request: robust where wall-clock figures suffer from neighbours."""
        if self.cpu is None or not self.latencies:
            return None
        return self.cpu / len(self.latencies) * 1e6

    def ms(self, q: float) -> float | None:
        value = percentile(self.latencies, q)
        return None if value is None else value * 1000


async def _batch(
    send: Send,
    count: int,
    concurrency: int,
    tally: Tally,
    *,
    seconds: float,
    pid: int | None = None,
) -> None:
    """`count` requests, `concurrency` in flight, fewer if `seconds` run out first."""
    queue = iter(range(count))
    cpu_before = cpu_seconds(pid)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        for _ in queue:
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            try:
                status = await send()
            except (aiohttp.ClientError, httpx.HTTPError, TimeoutError):
                tally.errors += 1
                continue
            if status == 200:
                tally.latencies.append(time.perf_counter() - started)
            else:
                tally.errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    tally.seconds += time.perf_counter() - started
    cpu_after = cpu_seconds(pid)
    if cpu_before is not None and cpu_after is not None:
        tally.cpu = (tally.cpu or 0.0) + cpu_after - cpu_before


async def _alternate(
    senders: Mapping[str, Send],
    count: int,
    concurrency: int,
    *,
    seconds: float,
    rounds: int = ROUNDS,
    pids: Mapping[str, int | None] | None = None,
) -> dict[str, Tally]:
    """Each sender `rounds` times, interleaved, after a short warm-up of each.

    `seconds` is split evenly between the batches, so a slow path cannot starve the other;
    `pids` names the process whose CPU a sender's requests are charged to.
    """
    tallies = {name: Tally() for name in senders}
    for send in senders.values():
        await _batch(send, concurrency * 10, concurrency, Tally(), seconds=WARM_UP_SECONDS)
    share = seconds / (rounds * len(senders))
    for _ in range(rounds):
        for name, send in senders.items():
            pid = (pids or {}).get(name)
            await _batch(send, count // rounds, concurrency, tallies[name], seconds=share, pid=pid)
    return tallies


def _note(gateway: Tally, direct: Tally) -> str:
    errors = f"errors: gateway {gateway.errors}, direct {direct.errors}"
    return f"n={len(gateway.latencies)}/{len(direct.latencies)}; {errors}"


def _latency_rows(concurrency: int, gateway: Tally, direct: Tally) -> list[Row]:
    rows = []
    for label, q in (("p50", 0.5), ("p99", 0.99)):
        via, straight = gateway.ms(q), direct.ms(q)
        added = None if via is None or straight is None else via - straight
        held = label == "p50" and concurrency == 1
        note = (f"added {added:.2f} ms; " if added is not None else "") + _note(gateway, direct)
        target = f"≤ baseline + {ADDED_P50_MS:g} ms" if held else ""
        met = (added <= ADDED_P50_MS) if held and added is not None else None
        figure = f"GET listing {label}, c={concurrency}"
        rows.append(
            Row(SECTION, figure, via, "ms", straight, "direct to listings", target, met, note)
        )
    return rows


def _cpu_row(concurrency: int, gateway: Tally, direct: Tally) -> Row:
    return Row(
        SECTION, f"CPU per GET: gateway, c={concurrency}", gateway.cpu_us, "µs",
        direct.cpu_us, "listings serving it",
        note="the gateway process's CPU per proxied request; baseline: the service's own",
    )  # fmt: skip


def _rate_row(concurrency: int, gateway: Tally, direct: Tally) -> Row:
    figure = f"GET listing req/s, c={concurrency}"
    if concurrency == 1:  # informative: at one in flight the p50 row says it all
        return Row(
            SECTION, figure, gateway.rate, "req/s", direct.rate, "direct to listings",
            note=_note(gateway, direct),
        )  # fmt: skip
    return at_least(
        SECTION, figure, gateway.rate, "req/s", direct.rate, "direct to listings",
        SHARE_AT_8, _note(gateway, direct),
    )  # fmt: skip


async def _clients_rows(ctx: BenchContext, path: str, signed: Callable[[], str]) -> list[Row]:
    """httpx vs aiohttp (the proxy's client), each with a pool like the gateway's, c=8.

    Charged to this process's CPU, which during these rounds runs nothing but the client.
    """
    url = ctx.stack.url("listings")
    count, seconds = CLIENTS[0] // (4 if ctx.quick else 1), CLIENTS[1]
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with (
        httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as via_httpx,
        aiohttp.ClientSession(
            url, connector=aiohttp.TCPConnector(limit=200), timeout=aiohttp.ClientTimeout(10)
        ) as via_aiohttp,
    ):

        async def with_httpx() -> int:
            request = via_httpx.build_request("GET", path, headers={IDENTITY_HEADER: signed()})
            response = await via_httpx.send(request, stream=True)  # as the proxy sends
            try:
                await response.aread()
            finally:
                await response.aclose()
            return response.status_code

        async def with_aiohttp() -> int:
            async with via_aiohttp.get(path, headers={IDENTITY_HEADER: signed()}) as response:
                await response.read()
                return response.status

        senders: dict[str, Send] = {"httpx": with_httpx, "aiohttp": with_aiohttp}
        me = {name: os.getpid() for name in senders}
        tallies = await _alternate(senders, count, 8, seconds=seconds, rounds=2, pids=me)
    h, a = tallies["httpx"], tallies["aiohttp"]
    note = f"direct to listings, c=8; errors: httpx {h.errors}, aiohttp {a.errors}"
    return [
        Row(SECTION, "client CPU per GET: httpx", h.cpu_us, "µs", a.cpu_us, "aiohttp", note=note),
        Row(SECTION, "client req/s: httpx", h.rate, "req/s", a.rate, "aiohttp", note=note),
    ]


async def run(ctx: BenchContext) -> list[Row]:
    """The gateway rows, each beside the direct path measured in the same rounds."""
    stack = ctx.stack
    issuer = TokenIssuer(
        KeySet.from_setting(stack.secrets.jwt_keys), "https://lumbung.id", "lumbung-api"
    )
    farmer = {"Authorization": f"Bearer {issuer.issue('bench-farmer', Role.FARMER, ['63.08'])}"}
    buyer = {"Authorization": f"Bearer {issuer.issue('bench-buyer', Role.BUYER)}"}
    secret = stack.secrets.internal_secret.encode()
    reader = Identity(subject="bench-buyer", role=Role.BUYER)
    scale = 4 if ctx.quick else 1
    rows: list[Row] = []
    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=10)
    ) as session:
        gateway_url = stack.url("gateway")
        try:
            async with session.post(
                f"{gateway_url}/v1/listings", json=LISTING, headers=farmer
            ) as created:
                status, body = created.status, await created.read()
        except aiohttp.ClientError as exc:
            status, body = 0, repr(exc).encode()
        if status != 201:
            note = f"could not list the goods to read: {status} {body[:200]!r}"
            return [Row(SECTION, "GET listing p50, c=1", None, "ms", note=note)]
        path = f"/v1/listings/{json.loads(body)['id']}"

        def signed() -> str:
            return sign_identity(reader, secret, audience="listings", method="GET", path=path)

        async def via_gateway() -> int:
            async with session.get(f"{gateway_url}{path}", headers=buyer) as response:
                await response.read()
                return response.status

        async def direct() -> int:
            headers = {IDENTITY_HEADER: signed()}
            async with session.get(f"{stack.url('listings')}{path}", headers=headers) as response:
                await response.read()
                return response.status

        senders = {"gateway": via_gateway, "direct": direct}
        pids = {
            "gateway": stack.process("gateway").pid(),
            "direct": stack.process("listings").pid(),
        }
        try:
            for concurrency, count, seconds in PHASES:
                ctx.progress(f"gateway: GET listing at c={concurrency}, {count // scale} per path")
                tallies = await _alternate(
                    senders, count // scale, concurrency, seconds=seconds, pids=pids
                )
                via, straight = tallies["gateway"], tallies["direct"]
                rows += _latency_rows(concurrency, via, straight)
                rows.append(_rate_row(concurrency, via, straight))
                rows.append(_cpu_row(concurrency, via, straight))
            ctx.progress("gateway: upstream client httpx vs aiohttp")
            rows += await _clients_rows(ctx, path, signed)
        finally:
            with contextlib.suppress(aiohttp.ClientError):
                await session.delete(f"{gateway_url}{path}", headers=farmer)
    return rows
