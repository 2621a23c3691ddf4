"""Gateway overhead: the same GET through the gateway and straight to the service, same run.

Starts a private stack (Kafka, FerretDB, the four services) on free 127.0.0.1 ports in a
temporary folder, creates one listing, then reads it alternately in rounds through the gateway
(Bearer token → JWT check, rate limits, identity signing, proxy) and directly from the listings
service (with an identity header signed here, as the gateway would). Prints p50/p99 latency
and requests/s for both. The gateway's rate limits are raised for this private stack only.

    PYTHONPATH=deploy/local uv run python bench/gateway_latency.py --requests 2000 --concurrency 8

Load generator, gateway and services share this machine's cores, so absolute figures are low;
the difference between the two rows is the gateway's cost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from devstack.stack import Ports, Stack
from lumbung_gateway.domain.keys import KeySet
from lumbung_gateway.domain.roles import Role
from lumbung_gateway.domain.tokens import TokenIssuer
from lumbung_shared.web.identity import IDENTITY_HEADER, Identity, sign_identity

MAX_REQUESTS = 20_000
ROUNDS = 4
LISTING = {
    "kind": "produce",
    "commodity": "bawang-merah",
    "title": "Bawang merah Amuntai 100 kg",
    "unit": "kg",
    "price_per_unit": 32000,
    "quantity_available": 100,
    "min_order": 5,
    "origin_region": "63.08",
}
LOOSE_LIMITS = {
    "GATEWAY_IP_BURST": "1000000",
    "GATEWAY_IP_PER_SECOND": "1000000",
    "GATEWAY_ACCOUNT_BURST": "1000000",
    "GATEWAY_ACCOUNT_PER_SECOND": "1000000",
}


async def _batch(
    client: httpx.AsyncClient,
    path: str,
    headers: Callable[[], dict[str, str]],
    count: int,
    concurrency: int,
) -> tuple[list[float], float]:
    """`count` GETs with `concurrency` in flight; latencies (s) and wall time (s)."""
    latencies: list[float] = []
    queue = iter(range(count))

    async def worker() -> None:
        for _ in queue:
            started = time.perf_counter()
            response = await client.get(path, headers=headers())
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started


def _row(name: str, latencies: list[float], seconds: float) -> str:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    rate = len(ordered) / seconds
    return f"| {name:<22} | {len(ordered):>6} | {p50:>8.2f} | {p99:>8.2f} | {rate:>8.0f} |"


async def measure(stack: Stack, requests: int, concurrency: int) -> None:
    issuer = TokenIssuer(
        KeySet.from_setting(stack.secrets.jwt_keys), "https://lumbung.id", "lumbung-api"
    )
    token = {"Authorization": f"Bearer {issuer.issue('bench-farmer', Role.FARMER, ['63.08'])}"}
    secret = stack.secrets.internal_secret.encode()
    reader = Identity(subject="bench-buyer", role=Role.BUYER)
    limits = httpx.Limits(
        max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2
    )
    async with (
        httpx.AsyncClient(base_url=stack.url("gateway"), limits=limits, timeout=30) as via,
        httpx.AsyncClient(base_url=stack.url("listings"), limits=limits, timeout=30) as direct,
    ):
        created = await via.post("/v1/listings", json=LISTING, headers=token)
        created.raise_for_status()
        path = f"/v1/listings/{created.json()['id']}"
        buyer = {"Authorization": f"Bearer {issuer.issue('bench-buyer', Role.BUYER)}"}
        runs: dict[str, tuple[list[float], float]] = {"gateway": ([], 0.0), "direct": ([], 0.0)}
        senders = {
            "gateway": (via, lambda: buyer),
            "direct": (
                direct,
                lambda: {
                    IDENTITY_HEADER: sign_identity(
                        reader, secret, audience="listings", method="GET", path=path
                    )
                },
            ),
        }
        for client, headers in senders.values():  # warm up connections and caches
            await _batch(client, path, headers, concurrency * 5, concurrency)
        per_round = max(1, requests // ROUNDS)
        for _ in range(ROUNDS):
            for name, (client, headers) in senders.items():
                latencies, seconds = await _batch(client, path, headers, per_round, concurrency)
                runs[name] = (runs[name][0] + latencies, runs[name][1] + seconds)
    route = path.rsplit("/", 1)[0] + "/{id}"
    print(f"\nGET {route}, concurrency {concurrency}, {ROUNDS} alternating rounds\n")
    print("| path                   |      n |  p50 ms  |  p99 ms  |  req/s   |")
    print("|------------------------|--------|----------|----------|----------|")
    print(_row("through gateway", *runs["gateway"]))
    print(_row("direct to listings", *runs["direct"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per path (max 20000)")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    requests = min(args.requests, MAX_REQUESTS)
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-") as home:
        stack = Stack(
            data_dir=Path(home) / "data",
            run_dir=Path(home) / "run",
            ports=Ports.free(),
            partitions=1,
            service_env={"gateway": LOOSE_LIMITS},
        )
        try:
            stack.up()
            asyncio.run(measure(stack, requests, max(1, min(args.concurrency, 64))))
        finally:
            stack.down()


if __name__ == "__main__":
    main()
