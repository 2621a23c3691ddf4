"""From one observation to the alert it causes: the path both the API and the feed poller take.

The observation is checked, stored for advice, and then the zone's open alert and the new
observation go through `lifecycle.decide`. What it returns is written as one document change
with its event. When another writer changed the zone's alert in between, we read again and
decide again, so two agencies posting at once cannot open two alerts for one zone.

Who may report for which zone is `domain.scope`: the caller's scope is checked against the zone
read here, before the observation is stored, so a refused report leaves no trace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lumbung_shared.errors import ConflictError, DomainError, Message
from pydantic import ValidationError

from lumbung_weather_alerts.domain.lifecycle import Cancel, Issue, NoChange, Update, decide
from lumbung_weather_alerts.domain.observations import Observation, invalid_observation
from lumbung_weather_alerts.domain.scope import RegionScope
from lumbung_weather_alerts.domain.waves import WaveCategory
from lumbung_weather_alerts.domain.zones import Zone
from lumbung_weather_alerts.storage.alert_documents import Document, state_of
from lumbung_weather_alerts.storage.alerts import AlertRepository, ConcurrentAlertChangeError
from lumbung_weather_alerts.storage.observations import ObservationRepository
from lumbung_weather_alerts.storage.zones import ZoneRepository

log = logging.getLogger(__name__)

MAX_DECIDE_ROUNDS = 5

_OUTCOMES = {Issue: "issued", Update: "updated", Cancel: "cancelled"}


@dataclass(frozen=True)
class IngestResult:
    """What one observation did."""

    observation_id: str
    new_observation: bool
    outcome: str
    """issued, updated, cancelled or no_change."""
    reason: str | None
    alert: Document | None


def parse_observation(body: Any) -> Observation:
    """An `Observation` from untrusted JSON, or a bilingual 422 naming the first bad field."""
    if not isinstance(body, dict):
        raise invalid_observation(
            "body", Message(id="Isi harus objek JSON.", en="The body must be a JSON object.")
        )
    try:
        return Observation.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ())) or "body"
        raise invalid_observation(
            field,
            Message(
                id=f"Nilai {field} tidak valid: {first.get('msg', '')}",
                en=f"{field} is not valid: {first.get('msg', '')}",
            ),
        ) from None


class Ingest:
    """Applies observations to zones' alerts."""

    def __init__(
        self,
        zones: ZoneRepository,
        observations: ObservationRepository,
        alerts: AlertRepository,
        threshold: WaveCategory,
    ) -> None:
        self._zones = zones
        self._observations = observations
        self._alerts = alerts
        self._threshold = threshold

    async def apply(
        self, observation: Observation, now: datetime, *, scope: RegionScope
    ) -> IngestResult:
        """Store the observation and publish what it changes.

        422 for an unknown zone; 403 `region-out-of-scope` when the zone reaches outside
        `scope` (nothing stored, no alert touched).
        """
        observation = to_stored_precision(observation)
        zone = await self._zones.find(observation.zone_id)
        if zone is None:
            raise _unknown_zone(observation.zone_id)
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
    ) -> tuple[str, str | None, Document | None]:
        chain = await self._alerts.open_for_zone(zone.id)
        if chain is not None and chain["expires"] < now:
            await self._alerts.expire(chain, now)
            chain = None
        decision = decide(
            None if chain is None else state_of(chain), observation, now, self._threshold
        )
        if isinstance(decision, NoChange):
            return "no_change", decision.reason.value, chain
        if isinstance(decision, Issue):
            written = await self._alerts.issue(decision, zone, now)
        else:
            assert chain is not None  # decide() only updates or cancels an open chain
            written = await self._alerts.supersede(chain, decision, now)
        reason = decision.reason.value if isinstance(decision, Update) else None
        return _OUTCOMES[type(decision)], reason, written


def to_stored_precision(observation: Observation) -> Observation:
    """Times cut to milliseconds, as the database keeps them.

    Otherwise a repeat of the same observation would look later (by some microseconds) than
    the stored alert's `expires` and extend it: a re-issue the rules forbid.
    """
    return observation.model_copy(
        update={
            "valid_from": _millis(observation.valid_from),
            "valid_to": _millis(observation.valid_to),
        }
    )


def _millis(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _unknown_zone(zone_id: str) -> DomainError:
    return invalid_observation(
        "zone_id",
        Message(
            id=f"Wilayah perairan '{zone_id}' tidak dikenal.",
            en=f"Unknown maritime zone '{zone_id}'.",
        ),
    )
