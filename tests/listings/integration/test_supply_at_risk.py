"""Catch supply at risk from sea alerts (issue point 9), on the real broker and store.

Sea-alert events are published straight onto their topic, as the weather-alerts service would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
from devstack.stack import Stack
from lumbung_shared.events.sea_alerts import SeaAlertCancelled, SeaAlertIssued, SeaAlertUpdated

from tests.listings.integration.helpers import Seller, shallots, skipjack
from tests.support.kafka import event, publish
from tests.support.polling import eventually


def alert(
    kind: type[SeaAlertIssued | SeaAlertUpdated | SeaAlertCancelled],
    alert_id: str,
    regencies: list[str],
    expires_in: timedelta = timedelta(hours=6),
    expires: datetime | None = None,
) -> Any:
    payload = kind(
        alert_id=alert_id,
        zone_id="perairan-kepulauan-seribu",
        regency_codes=regencies,
        category="tinggi",
        severity="Severe",
        vessel_risks={"fishing_boat": "danger"},
        expires=expires or datetime.now(UTC) + expires_in,
    )
    return event(payload, key=payload.zone_id)


async def flagged(seller: Seller, listing_id: str, expected: bool) -> dict[str, Any] | None:
    listing = await seller.listing(listing_id)
    return listing if listing["supply_at_risk"] is expected else None


class TestSeaAlerts:
    async def test_catch_from_affected_regencies_is_flagged_and_cleared_on_cancel(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        farmer = Seller(stack, gateway)
        at_sea = await fisher.lists(skipjack(origin_region="31.01"))
        elsewhere = await fisher.lists(skipjack(origin_region="63.08"))
        on_land = await farmer.lists(shallots(origin_region="31.01"))
        alert_id = f"alert-{uuid4().hex[:8]}"

        await publish(stack, alert(SeaAlertIssued, alert_id, ["31.01", "21.71"]))
        listing = await eventually(lambda: flagged(fisher, at_sea["id"], expected=True))
        assert alert_id in listing["risk_alert_ids"]
        assert (await fisher.listing(elsewhere["id"]))["supply_at_risk"] is False
        assert (await farmer.listing(on_land["id"]))["supply_at_risk"] is False

        page = await gateway.get(
            "/v1/listings", params={"seller": fisher.id, "supply_at_risk": "true"}
        )
        assert [item["id"] for item in page.json()["items"]] == [at_sea["id"]]

        # A catch listing created while the alert is active is flagged from the start.
        newcomer = await fisher.lists(skipjack(origin_region="31.01"))
        assert newcomer["risk_alert_ids"] == [alert_id]

        await publish(stack, alert(SeaAlertCancelled, alert_id, ["31.01", "21.71"]))
        cleared = await eventually(lambda: flagged(fisher, at_sea["id"], expected=False))
        assert cleared["risk_alert_ids"] == []
        assert (await fisher.listing(newcomer["id"]))["supply_at_risk"] is False

    async def test_an_update_narrows_the_regencies_and_expiry_clears_the_flag(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        seribu = await fisher.lists(skipjack(origin_region="31.01"))
        batam = await fisher.lists(skipjack(origin_region="21.71", title="Tongkol Batam"))
        alert_id = f"alert-{uuid4().hex[:8]}"

        await publish(stack, alert(SeaAlertIssued, alert_id, ["31.01", "21.71"]))
        await eventually(lambda: flagged(fisher, batam["id"], expected=True))
        short = timedelta(seconds=4)
        await publish(stack, alert(SeaAlertUpdated, alert_id, ["31.01"], expires_in=short))
        await eventually(lambda: flagged(fisher, batam["id"], expected=False))
        assert (await fisher.listing(seribu["id"]))["supply_at_risk"] is True

        # Nobody cancels: the sweep clears it once `expires` has passed.
        await eventually(lambda: flagged(fisher, seribu["id"], expected=False), within=20)

    async def test_a_replayed_issue_after_cancel_flags_nothing(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        listing = await fisher.lists(skipjack(origin_region="31.01"))
        alert_id = f"alert-{uuid4().hex[:8]}"
        issued = alert(SeaAlertIssued, alert_id, ["31.01"])
        await publish(stack, issued)
        await eventually(lambda: flagged(fisher, listing["id"], expected=True))
        await publish(stack, alert(SeaAlertCancelled, alert_id, ["31.01"]))
        await eventually(lambda: flagged(fisher, listing["id"], expected=False))

        await publish(stack, alert(SeaAlertIssued, alert_id, ["31.01"]))  # late copy, new id
        marker = f"alert-{uuid4().hex[:8]}"  # a second alert proves the consumer moved on
        await publish(stack, alert(SeaAlertIssued, marker, ["31.01"]))
        later = await eventually(lambda: flagged(fisher, listing["id"], expected=True))
        assert later["risk_alert_ids"] == [marker]
        # Leave no alert in force for the tests that follow (they share the stack): other
        # consumers (orders) took the late copy as a new alert, so cancel that one too.
        await publish(stack, alert(SeaAlertCancelled, marker, ["31.01"]))
        await publish(stack, alert(SeaAlertCancelled, alert_id, ["31.01"]))
        await eventually(lambda: flagged(fisher, listing["id"], expected=False))

    async def test_an_expired_alert_is_reopened_only_by_an_update_that_extends_it(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        fisher = Seller(stack, gateway, "fisher")
        listing = await fisher.lists(skipjack(origin_region="31.01"))
        alert_id = f"alert-{uuid4().hex[:8]}"
        lapses = datetime.now(UTC) + timedelta(seconds=3)
        await publish(stack, alert(SeaAlertIssued, alert_id, ["31.01"], expires=lapses))
        await eventually(lambda: flagged(fisher, listing["id"], expected=True))
        await eventually(lambda: flagged(fisher, listing["id"], expected=False), within=20)

        # A copy of the lapsed warning (its old expiry) is history: it flags nothing ...
        await publish(stack, alert(SeaAlertIssued, alert_id, ["31.01"], expires=lapses))
        marker = f"alert-{uuid4().hex[:8]}"
        await publish(stack, alert(SeaAlertIssued, marker, ["31.01"]))
        moved_on = await eventually(lambda: flagged(fisher, listing["id"], expected=True))
        assert moved_on["risk_alert_ids"] == [marker]
        # ... but BMKG extending the same warning past that expiry flags the catch again.
        await publish(stack, alert(SeaAlertUpdated, alert_id, ["31.01"]))

        async def both() -> dict[str, Any] | None:
            current = await fisher.listing(listing["id"])
            return current if len(current["risk_alert_ids"]) == 2 else None

        extended = await eventually(both)
        assert sorted(extended["risk_alert_ids"]) == sorted([alert_id, marker])
        for cancelled in (marker, alert_id):  # leave no alert in force for the tests after
            await publish(stack, alert(SeaAlertCancelled, cancelled, ["31.01"]))
        await eventually(lambda: flagged(fisher, listing["id"], expected=False))
