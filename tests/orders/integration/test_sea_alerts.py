"""Sea alerts flag open catch orders from the affected regencies, and the flag clears after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_shared.events import Topic
from lumbung_shared.events.sea_alerts import SeaAlertCancelled, SeaAlertIssued

from tests.orders.integration.flows import Party, act, new_listing, order_of, place_one, reaches
from tests.support.kafka import event, publish, tap
from tests.support.mongo import database
from tests.support.polling import eventually


def alert(kind: type[SeaAlertIssued] | type[SeaAlertCancelled], alert_id: str, regency: str) -> Any:
    payload = kind(
        alert_id=alert_id,
        zone_id="perairan-batam",
        regency_codes=[regency],
        category="tinggi",
        severity="Severe",
        vessel_risks={"perahu_nelayan": "danger"},
        expires=datetime.now(UTC) + timedelta(hours=6),
    )
    return event(payload, key="perairan-batam", producer="weather_alerts")


async def flag_of(gateway: httpx.AsyncClient, party: Party, order_id: str, flagged: bool) -> Any:
    async def probe() -> dict[str, Any] | None:
        order = await order_of(gateway, party, order_id)
        return order if order["delivery_at_risk"] is flagged else None

    return await eventually(probe, within=30, interval=0.2)


class TestSeaAlerts:
    async def test_open_catch_orders_are_flagged_and_cleared(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        regency = "31.01"  # Kepulauan Seribu; no other order test lists goods from there
        fisher, farmer, buyer = (
            Party(stack, "fisher"),
            Party(stack, "farmer"),
            Party(stack, "buyer"),
        )
        catch = await new_listing(gateway, fisher, origin_region=f"{regency}.01")
        produce = await new_listing(gateway, farmer, origin_region=regency)
        open_catch = await place_one(gateway, buyer, catch["id"], 1)
        committed = await place_one(gateway, buyer, catch["id"], 1)
        farm_goods = await place_one(gateway, buyer, produce["id"], 1)
        await reaches(gateway, buyer, committed["id"], "reserved")
        await act(gateway, fisher, committed["id"], "confirm")
        alert_id = f"alert-{uuid4().hex[:8]}"

        async with tap(stack, Topic.ORDER_EVENTS) as events:
            await publish(stack, alert(SeaAlertIssued, alert_id, regency))
            flagged = await flag_of(gateway, buyer, open_catch["id"], True)
            raised = await events.wait_for(
                lambda e: (
                    getattr(e, "type", "") == "order.delivery_risk_flagged"
                    and e.key == open_catch["id"]
                )
            )
            during = await place_one(gateway, buyer, catch["id"], 1)
            await publish(stack, alert(SeaAlertCancelled, alert_id, regency))
            await flag_of(gateway, buyer, open_catch["id"], False)
            lowered = await events.wait_for(
                lambda e: (
                    getattr(e, "type", "") == "order.delivery_risk_cleared"
                    and e.key == open_catch["id"]
                )
            )

        assert flagged["risk_alert_ids"] == [alert_id]
        assert during["delivery_at_risk"] is True  # placed while the alert was in force
        await flag_of(gateway, buyer, during["id"], False)
        assert raised.payload.alert_id == alert_id
        assert lowered.payload.alert_id == alert_id
        assert (await order_of(gateway, buyer, committed["id"]))["delivery_at_risk"] is False
        assert (await order_of(gateway, buyer, farm_goods["id"]))["delivery_at_risk"] is False
        assert (await order_of(gateway, buyer, open_catch["id"]))["risk_alert_ids"] == []


class TestAnOrderPlacedBeforeItsListingWasKnown:
    async def test_is_flagged_when_reservation_reveals_its_catch_origin(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        regency = "82.01"  # Halmahera Barat; no other order test lists goods from there
        fisher, buyer = Party(stack, "fisher"), Party(stack, "buyer")
        catch = await new_listing(gateway, fisher, origin_region=regency)
        alert_id = f"alert-{uuid4().hex[:8]}"
        await publish(stack, alert(SeaAlertIssued, alert_id, regency))
        async with database(stack, "orders") as db:

            async def in_force() -> bool | None:
                return await db.sea_alerts.find_one({"_id": alert_id}) is not None or None

            await eventually(in_force)
            await db.listing_snapshots.delete_one({"_id": catch["id"]})  # not copied yet

        placed = await place_one(gateway, buyer, catch["id"], 1)

        assert (placed["seller_id"], placed["delivery_at_risk"]) == (None, False)
        reserved = await reaches(gateway, buyer, placed["id"], "reserved")
        assert reserved["delivery_at_risk"] is True
        assert reserved["risk_alert_ids"] == [alert_id]
        await publish(stack, alert(SeaAlertCancelled, alert_id, regency))
        await flag_of(gateway, buyer, placed["id"], False)
