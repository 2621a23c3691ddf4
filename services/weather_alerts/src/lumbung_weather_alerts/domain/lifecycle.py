"""The life of one zone's alert: issue, update, cancel, or leave it alone.

`decide` is the single place that answers "given the alert currently out for this zone (if any)
and a new observation, what do we publish?". It never invents identifiers or reads the clock;
the caller gives it `now` and assigns identifiers and `sent` times to what it returns.

The rules, in order:
1. An observation whose window has already ended (`valid_to <= now`) changes nothing: we do not
   publish alerts that are expired on arrival.
2. A previous alert whose `expires` is before `now` has lapsed; it is treated as absent.
3. No active alert: `Issue` when an alert is warranted (see `cap.alert_warranted`), otherwise
   `NoChange`.
4. Active alert, alert no longer warranted: `Cancel`, referencing the whole chain.
5. Active alert, category or CAP severity changed: `Update`, referencing the whole chain.
6. Active alert, same category and severity: `NoChange` (a repeated observation must not
   re-alert anyone) - unless the observation is valid beyond the alert's `expires`, in which
   case an `Update` extends it, so that a persisting storm is never left without an alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from .cap import (
    DEFAULT_ALERT_THRESHOLD,
    AlertReference,
    CapGrading,
    MsgType,
    Severity,
    alert_warranted,
    grade,
)
from .observations import Observation
from .vessels import Risk, VesselClass
from .waves import WaveCategory

__all__ = [
    "ActiveAlertState",
    "Cancel",
    "Decision",
    "Issue",
    "NoChange",
    "NoChangeReason",
    "Observation",
    "Update",
    "UpdateReason",
    "decide",
]


class ActiveAlertState(BaseModel):
    """What we remember of the last CAP message published for a zone."""

    model_config = ConfigDict(frozen=True)

    zone_id: str
    sender: str
    identifier: str
    sent: AwareDatetime
    category: WaveCategory
    severity: Severity
    expires: AwareDatetime
    references: tuple[AlertReference, ...] = ()
    """Earlier messages of the same alert chain, oldest first."""

    @property
    def reference(self) -> AlertReference:
        """How later messages refer to this one."""
        return AlertReference(self.sender, self.identifier, self.sent)

    @property
    def chain(self) -> tuple[AlertReference, ...]:
        """Every message of this alert so far, oldest first: the next message's references."""
        return (*self.references, self.reference)

    def is_expired(self, now: datetime) -> bool:
        """An alert whose `expires` is before `now` no longer applies."""
        return self.expires < now


class UpdateReason(StrEnum):
    """Why an active alert is updated."""

    CATEGORY_CHANGED = "category_changed"
    SEVERITY_CHANGED = "severity_changed"
    EXTENDED = "extended"


class NoChangeReason(StrEnum):
    """Why nothing is published."""

    BELOW_THRESHOLD = "below_threshold"
    UNCHANGED = "unchanged"
    STALE_OBSERVATION = "stale_observation"


@dataclass(frozen=True)
class Issue:
    """Publish a new CAP Alert for the observation's zone."""

    observation: Observation
    category: WaveCategory
    grading: CapGrading
    risks: Mapping[VesselClass, Risk]
    msg_type: MsgType = field(default=MsgType.ALERT, init=False)

    @property
    def expires(self) -> datetime:
        """An alert lasts as long as the observation it is based on."""
        return self.observation.valid_to


@dataclass(frozen=True)
class Update:
    """Publish a CAP Update that supersedes the active alert."""

    observation: Observation
    category: WaveCategory
    grading: CapGrading
    risks: Mapping[VesselClass, Risk]
    references: tuple[AlertReference, ...]
    reason: UpdateReason
    msg_type: MsgType = field(default=MsgType.UPDATE, init=False)

    @property
    def expires(self) -> datetime:
        """The updated alert lasts as long as the new observation."""
        return self.observation.valid_to


@dataclass(frozen=True)
class Cancel:
    """Publish a CAP Cancel: the sea has calmed below the alert threshold."""

    observation: Observation
    category: WaveCategory
    risks: Mapping[VesselClass, Risk]
    references: tuple[AlertReference, ...]
    msg_type: MsgType = field(default=MsgType.CANCEL, init=False)


@dataclass(frozen=True)
class NoChange:
    """Publish nothing."""

    reason: NoChangeReason


Decision = Issue | Update | Cancel | NoChange


def decide(
    previous: ActiveAlertState | None,
    observation: Observation,
    now: datetime,
    threshold: WaveCategory = DEFAULT_ALERT_THRESHOLD,
) -> Decision:
    """What to publish for the observation's zone, given its active alert (rules above)."""
    if previous is not None and previous.zone_id != observation.zone_id:
        raise ValueError("the previous alert belongs to another zone")
    if observation.valid_to <= now:
        return NoChange(NoChangeReason.STALE_OBSERVATION)
    active = None if previous is None or previous.is_expired(now) else previous
    category = observation.category
    risks = observation.vessel_risks()
    if not alert_warranted(category, risks, threshold):
        if active is None:
            return NoChange(NoChangeReason.BELOW_THRESHOLD)
        return Cancel(observation, category, risks, active.chain)
    grading = grade(category, risks)
    if active is None:
        return Issue(observation, category, grading, risks)
    reason = _update_reason(active, category, grading, observation)
    if reason is None:
        return NoChange(NoChangeReason.UNCHANGED)
    return Update(observation, category, grading, risks, active.chain, reason)


def _update_reason(
    active: ActiveAlertState,
    category: WaveCategory,
    grading: CapGrading,
    observation: Observation,
) -> UpdateReason | None:
    if category is not active.category:
        return UpdateReason.CATEGORY_CHANGED
    if grading.severity is not active.severity:
        return UpdateReason.SEVERITY_CHANGED
    if observation.valid_to > active.expires:
        return UpdateReason.EXTENDED
    return None
