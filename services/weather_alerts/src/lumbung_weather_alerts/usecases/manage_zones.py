"""Maritime forecast zones: anyone reads them, admins add, change and delete them.

The rule for deleting a zone that has an alert in force: refused, 409 problem+json
`zone-has-active-alert` naming the alert ids. The admin ends the alert first (a calm
observation cancels it) and deletes the zone after. We refuse rather than cancel on the admin's
behalf because a cancel tells every fisher and agency "the danger is over", and deleting a zone
(a data correction) is no evidence of that. An alert that is open but already past its
`expires` is not in force: it is closed (`sea_alert.cancelled`) and the zone deleted.

Zone and alert are two documents, so the check and the tombstone cannot be one write. The race
with an alert being issued is closed from both sides: after the tombstone we look again and put
the zone back (and refuse) if an alert opened meanwhile, and `usecases.report_observation`
closes an alert it has just issued for a zone that is gone. Whichever write comes last sees
the other, so no alert stays in force for a deleted zone.
"""

from __future__ import annotations

from lumbung_shared.clock import utc_now
from lumbung_shared.errors import ConflictError, Message

from lumbung_weather_alerts.domain.alert_chain import Chain, is_active
from lumbung_weather_alerts.domain.zones import Zone
from lumbung_weather_alerts.storage.alerts import AlertRepository, ConcurrentAlertChangeError
from lumbung_weather_alerts.storage.zones import ZoneRepository
from lumbung_weather_alerts.usecases.expire_alerts import close_expired

MAX_ROUNDS = 5


def zone_has_active_alert(chain: Chain) -> ConflictError:
    """409 for deleting a zone while `chain` is in force; the admin cancels it first."""
    return ConflictError(
        "zone-has-active-alert",
        Message(
            id=(
                "Wilayah perairan ini masih memiliki peringatan yang berlaku; "
                "cabut peringatannya dulu (laporkan laut tenang), lalu hapus wilayahnya."
            ),
            en=(
                "This zone has an alert in force; end the alert first (report calm sea), "
                "then delete the zone."
            ),
        ),
        alert_ids=[chain["_id"]],
        identifiers=[chain["identifier"]],
    )


class ManageZones:
    """Reads and admin changes of zones."""

    def __init__(self, zones: ZoneRepository, alerts: AlertRepository) -> None:
        self._zones = zones
        self._alerts = alerts

    async def list(self, regency_prefix: str | None) -> list[Zone]:
        """Live zones, optionally those touching regencies with the code prefix."""
        return await self._zones.list(regency_prefix)

    async def get(self, zone_id: str) -> Zone:
        """A live zone, or 404."""
        return await self._zones.get(zone_id)

    async def create(self, zone: Zone) -> Zone:
        """Add a zone (or bring back a deleted one under its id); 409 if it exists."""
        return await self._zones.create(zone)

    async def replace(self, zone: Zone) -> Zone:
        """Change a live zone's names, box or regencies; 404 when it does not exist."""
        return await self._zones.replace(zone)

    async def delete(self, zone_id: str) -> None:
        """Tombstone a zone unless an alert is in force for it (409, see the module docstring)."""
        await self._zones.get(zone_id)  # 404 first, for a zone that does not exist
        await self._refuse_if_alert_in_force(zone_id)
        version = await self._zones.delete(zone_id)
        opened = await self._alerts.open_for_zone(zone_id)
        if opened is not None and is_active(opened, utc_now()):
            await self._zones.restore(zone_id, version)
            raise zone_has_active_alert(opened)

    async def _refuse_if_alert_in_force(self, zone_id: str) -> None:
        """409 for an alert in force; a lapsed one is closed (judged again if it changed)."""
        for _ in range(MAX_ROUNDS):
            chain = await self._alerts.open_for_zone(zone_id)
            if chain is None:
                return
            now = utc_now()
            if is_active(chain, now):
                raise zone_has_active_alert(chain)
            try:
                await close_expired(self._alerts, chain, now)
                return
            except ConcurrentAlertChangeError:
                continue  # an observation changed it meanwhile: judge it again
        raise ConflictError(
            "alert-busy",
            Message(
                id="Peringatan wilayah ini sedang diubah; coba lagi.",
                en="This zone's alert is being changed; try again.",
            ),
        )
