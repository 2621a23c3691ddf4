"""Live order status over Server-Sent Events, through the gateway (which streams responses)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from devstack.stack import Stack

from tests.orders.integration.flows import Party, act, new_listing, place_one, reaches


async def read_events(
    response: httpx.Response,
    wanted: int,
    until: str | None = None,
    commented: asyncio.Event | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Order events of a stream (`wanted` of them, or up to state `until`) and keep-alives;
    `commented` is set at the first keep-alive comment."""
    events: list[dict[str, Any]] = []
    comments = 0
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line.startswith(":"):
            comments += 1
            if commented is not None:
                commented.set()
        elif line == "" and "data" in fields:
            events.append({**json.loads(fields["data"]), "event_id": fields.get("id")})
            fields = {}
            if len(events) == wanted or events[-1]["state"] == until:
                break
        elif ":" in line:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return events, comments


class TestLiveStatus:
    async def test_stream_sends_each_state_change(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        await reaches(gateway, buyer, order["id"], "reserved")

        async with gateway.stream(
            "GET", f"/v1/orders/{order['id']}/events", headers=buyer.headers
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")

            commented = asyncio.Event()

            async def seller_moves() -> None:
                # Once the idle stream has sent a keep-alive (1 s in tests), confirm and ship
                # back to back, well inside one poll of the stream.
                await commented.wait()
                confirmed = await act(gateway, farmer, order["id"], "confirm")
                shipped = await act(gateway, farmer, order["id"], "ship")
                assert (confirmed.status_code, shipped.status_code) == (200, 200)

            mover = asyncio.create_task(seller_moves())
            events, comments = await asyncio.wait_for(
                read_events(response, 3, until="shipped", commented=commented), timeout=30
            )
            await mover

        # Every step arrives on its own, in order, even two moves made milliseconds apart;
        # each event's id is its step's sequence number on the timeline (1 = pending).
        assert [e["state"] for e in events] == ["reserved", "confirmed", "shipped"]
        assert [int(e["event_id"]) for e in events] == [2, 3, 4]
        assert [e["sequence"] for e in events] == [2, 3, 4]
        assert comments >= 1

    async def test_reconnect_with_last_event_id_skips_what_was_seen(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        farmer, buyer = Party(stack, "farmer"), Party(stack, "buyer")
        listing = await new_listing(gateway, farmer)
        order = await place_one(gateway, buyer, listing["id"], 1)
        seen = await reaches(gateway, buyer, order["id"], "reserved")
        headers = {**buyer.headers, "Last-Event-ID": str(len(seen["timeline"]))}

        async with gateway.stream(
            "GET", f"/v1/orders/{order['id']}/events", headers=headers
        ) as response:
            await act(gateway, buyer, order["id"], "cancel")
            events, _ = await asyncio.wait_for(read_events(response, 1), timeout=30)

        assert [(e["state"], e["event_id"]) for e in events] == [("cancelled", "3")]
