"""The listing lifecycle: which status changes exist and who may make each one.

A listing's status decides whether buyers can find it and whether stock can be reserved, so
changing it is a rule, not a field update. The table below is the whole rule; anything not in
it is refused with a 409 that names the state the listing is actually in, so a client that
acted on a stale screen can refresh and explain.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from lumbung_shared.errors import ConflictError, ForbiddenError, Message


class Status(StrEnum):
    """Where a listing is in its life; `active` ones (and trips' `pre_listed` ones) sell."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    SOLD_OUT = "sold_out"
    ARCHIVED = "archived"
    PRE_LISTED = "pre_listed"  # a trip's expected catch, reservable before it lands
    CALLED_OFF = "called_off"  # the trip was called off before landing: nothing to sell


class Actor(StrEnum):
    """Who asks for a change: the listing's seller, a moderator, or the stock machinery."""

    SELLER = "seller"
    ADMIN = "admin"
    SYSTEM = "system"


_PEOPLE = frozenset({Actor.SELLER, Actor.ADMIN})
_ACTOR_ID = {Actor.SELLER: "penjual", Actor.ADMIN: "admin", Actor.SYSTEM: "sistem"}

TRANSITIONS: Mapping[tuple[Status, Status], frozenset[Actor]] = MappingProxyType(
    {
        (Status.DRAFT, Status.ACTIVE): _PEOPLE,  # publish
        (Status.ACTIVE, Status.PAUSED): _PEOPLE,  # seller away, or moderation hold
        (Status.PAUSED, Status.ACTIVE): _PEOPLE,  # resume
        (Status.ACTIVE, Status.SOLD_OUT): frozenset({Actor.SYSTEM}),  # last unit reserved
        # restocked: by the stock machinery on released reservations or by the seller's edit
        (Status.SOLD_OUT, Status.ACTIVE): frozenset({Actor.SYSTEM, Actor.SELLER}),
        # A trip's pre-listing ends through the trip machinery, never a bare status change:
        # landed with its quantity, or called off (a danger alert, its fisher, or overdue),
        # each of which releases reservations in the same write.
        (Status.PRE_LISTED, Status.ACTIVE): frozenset({Actor.SYSTEM}),
        (Status.PRE_LISTED, Status.SOLD_OUT): frozenset({Actor.SYSTEM}),
        (Status.PRE_LISTED, Status.CALLED_OFF): frozenset({Actor.SYSTEM}),
        **{
            (source, Status.ARCHIVED): _PEOPLE
            for source in (
                Status.DRAFT,
                Status.ACTIVE,
                Status.PAUSED,
                Status.SOLD_OUT,
                Status.CALLED_OFF,
            )
        },
    }
)

_STATUS_ID = {
    Status.DRAFT: "draf",
    Status.ACTIVE: "aktif",
    Status.PAUSED: "dijeda",
    Status.SOLD_OUT: "habis",
    Status.ARCHIVED: "diarsipkan",
    Status.PRE_LISTED: "menunggu pendaratan",
    Status.CALLED_OFF: "pelayaran dibatalkan",
}


def allowed_targets(current: Status, actor: Actor) -> list[Status]:
    """The statuses `actor` may move a listing to from `current` (for client buttons)."""
    return [
        target
        for (source, target), who in TRANSITIONS.items()
        if source is current and actor in who
    ]


def transition(current: Status, target: Status, actor: Actor) -> Status:
    """Check a status change and return the new status.

    Asking for the status the listing already has is a no-op rather than a conflict: phones
    on rural networks retry, and the retry of a successful pause must not fail.
    """
    if current is target:
        return target
    who = TRANSITIONS.get((current, target))
    if who is None:
        raise forbidden_transition(current, target)
    if actor not in who:
        raise ForbiddenError(
            Message(
                id=(
                    f"Peran {_ACTOR_ID[actor]} tidak boleh mengubah status menjadi "
                    f"'{_STATUS_ID[target]}'."
                ),
                en=f"A {actor} may not change the status to '{target}'.",
            )
        )
    return target


def forbidden_transition(current: Status, target: Status) -> ConflictError:
    """The 409 for a change that the lifecycle does not have, naming the current state."""
    return ConflictError(
        "listing-status-conflict",
        Message(
            id=(
                f"Iklan berstatus '{_STATUS_ID[current]}' tidak dapat diubah menjadi "
                f"'{_STATUS_ID[target]}'."
            ),
            en=f"A listing that is '{current}' cannot become '{target}'.",
        ),
        current_status=current.value,
        requested_status=target.value,
    )
