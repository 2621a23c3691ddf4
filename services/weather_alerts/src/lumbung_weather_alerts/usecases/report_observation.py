"""From one observation to the alert it causes: the path both the API and the feed poller take.

The observation is checked, stored for advice, and then the zone's open alert and the new
observation go through `lifecycle.decide`. What it returns is written as one document change
with its event. When another writer changed the zone's alert in between, we read again and
decide again, so two agencies posting at once cannot open two alerts for one zone.

Who may report for which zone is `domain.scope`: the caller's scope is checked against the zone
read here, before the observation is stored, so a refused report leaves no trace.

A zone deleted while its alert was being issued (`usecases.manage_zones` refuses to delete a
zone with an alert in force, but the two writes are in two documents) is caught here: after an
issue, the zone is read again, and if it is gone the new alert is closed at once, so no alert
stays in force for a zone that no longer exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal
from uuid import uuid4

from lumbung_shared.clock import to_millis
from lumbung_shared.errors import ConflictError, Message

from lumbung_weather_alerts.domain.alert_chain import Chain, new_chain, state_of, superseded
from lumbung_weather_alerts.domain.lifecycle import (
    Cancel,
    Issue,
    NoChange,
    NoChangeReason,
    Update,
    UpdateReason,
    decide,
)
from lumbung_weather_alerts.domain.observations import Observation, zone_not_found
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.domain.waves import WaveCategory
from lumbung_weather_alerts.domain.zones import Zone
from lumbung_weather_alerts.messaging.events import message_event
from lumbung_weather_alerts.storage.alerts import AlertRepository, ConcurrentAlertChangeError
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.storage.zones import ZoneRepository
from lumbung_weather_alerts.usecases.expire_alerts import close_expired

log = logging.getLogger(__name__)

MAX_DECIDE_ROUNDS = 5

Outcome = Literal["issued", "updated", "cancelled", "no_change"]
_OUTCOMES: Final[dict[type, Outcome]] = {Issue: "issued", Update: "updated", Cancel: "cancelled"}


@dataclass(frozen=True)
class IngestResult:
    """What one observation did."""

    observation_id: str
    new_observation: bool
    outcome: Outcome
    reason: UpdateReason | NoChangeReason | None
    alert: Chain | None


@dataclass(frozen=True)
class AlertPolicy:
    """How this service issues alerts: as whom, from which wave category, how long a chain."""

    sender: str
    threshold: WaveCategory
    max_messages: int


def new_chain_id(now: datetime) -> str:
    """The id of a chain; its CAP messages are `<id>-1`, `<id>-2`, ...

    CAP identifiers may not contain spaces, commas, '<' or '&'; these never do.
    """
    return f"lumbung-{now:%Y%m%d}-{uuid4().hex[:16]}"


class ReportObservation:
    """Applies observations to zones' alerts."""

    def __init__(
        self,
        zones: ZoneRepository,
        observations: ObservationRepository,
        alerts: AlertRepository,
        policy: AlertPolicy,
    ) -> None:
        self._zones = zones
        self._observations = observations
        self._alerts = alerts
        self._policy = policy

    async def apply(
        self, observation: Observation, now: datetime, *, scope: RegionScope
    ) -> IngestResult:
        """Store the observation and publish what it changes.

        404 `zone-not-found` for an unknown zone; 403 `region-out-of-scope` when the zone
        reaches outside `scope` (nothing stored, no alert touched).
        """
        observation = to_stored_precision(observation)
        zone = await self._zones.find(observation.zone_id)
        if zone is None:
            raise zone_not_found(observation.zone_id)
        scope.check_zone(zone)
        observation_id, new = await self._observations.record(observation, now)
        for _ in range(MAX_DECIDE_ROUNDS):
            try:
                outcome, reason, alert = await self._decide_and_write(observation, zone, now)
            except ConcurrentAlertChangeError:
                log.info("alert changed concurrently; deciding again", extra={"zone": zone.id})
                continue
            return IngestResult(observation_id, new, outcome, reason, alert)
        raise ConflictError(
            "alert-busy",
            Message(
                id="Peringatan wilayah ini sedang diubah; coba lagi.",
                en="This zone's alert is being changed; try again.",
            ),
        )

    async def _decide_and_write(
        self, observation: Observation, zone: Zone, now: datetime
    ) -> tuple[Outcome, UpdateReason | NoChangeReason | None, Chain | None]:
        policy = self._policy
        chain = await self._alerts.open_for_zone(zone.id)
        if chain is not None and chain["expires"] < now:
            await close_expired(self._alerts, chain, now)
            chain = None
        decision = decide(
            None if chain is None else state_of(chain), observation, now, policy.threshold
        )
        if isinstance(decision, NoChange):
            return "no_change", decision.reason, chain
        if isinstance(decision, Issue):
            written = new_chain(new_chain_id(now), zone, decision, policy.sender, now)
            await self._alerts.insert(written, message_event(written))
            written = await self._unless_zone_deleted(written, now)
        else:
            assert chain is not None  # decide() only updates or cancels an open chain
            change = superseded(chain, decision, policy.sender, now, policy.max_messages)
            await self._alerts.save(chain, change, message_event(change.after))
            written = change.after
        reason = decision.reason if isinstance(decision, Update) else None
        return _OUTCOMES[type(decision)], reason, written

    async def _unless_zone_deleted(self, chain: Chain, now: datetime) -> Chain:
        """Close a just-issued alert at once if its zone was deleted meanwhile (see above)."""
        if await self._zones.find(chain["zone_id"]) is not None:
            return chain
        log.warning("zone deleted while its alert was issued", extra={"alert": chain["_id"]})
        current = chain
        for _ in range(MAX_DECIDE_ROUNDS):
            try:
                return await close_expired(self._alerts, current, now)
            except ConcurrentAlertChangeError:  # another report changed it first: read again
                reread = await self._alerts.open_for_zone(chain["zone_id"])
                if reread is None or reread["_id"] != chain["_id"]:
                    return current  # that other writer closed it already
                current = reread
        return current


def to_stored_precision(observation: Observation) -> Observation:
    """Times cut to milliseconds, as the database keeps them.

    Otherwise a repeat of the same observation would look later (by some microseconds) than
    the stored alert's `expires` and extend it: a re-issue the rules forbid.
    """
    return observation.model_copy(
        update={
            "valid_from": to_millis(observation.valid_from),
            "valid_to": to_millis(observation.valid_to),
        }
    )
