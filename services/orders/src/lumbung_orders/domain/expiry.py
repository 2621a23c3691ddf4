"""When a reserved order that the seller has not confirmed gives its stock back.

A reservation holds stock other buyers could have; a seller who never answers must not freeze
it forever. The deadline is stored on the order (`expires_at`) so a periodic sweeper can find
lapsed orders with one indexed query — FerretDB has no TTL indexes, and a TTL would delete the
order instead of moving it to `expired` anyway.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from lumbung_shared.errors import ConflictError, Message

DEFAULT_CONFIRM_WITHIN: Final = timedelta(hours=24)
"""How long a seller has to confirm by default; the service makes it a setting."""


def expires_at(
    reserved_at: datetime, confirm_within: timedelta = DEFAULT_CONFIRM_WITHIN
) -> datetime:
    """The moment a reservation made at `reserved_at` lapses unless confirmed."""
    _require_aware(reserved_at)
    if confirm_within <= timedelta(0):
        raise ValueError("confirm_within must be positive")
    return reserved_at + confirm_within


def is_expired(
    reserved_at: datetime,
    now: datetime,
    confirm_within: timedelta = DEFAULT_CONFIRM_WITHIN,
) -> bool:
    """Whether a reservation made at `reserved_at` has lapsed by `now` (the deadline included)."""
    _require_aware(now)
    return now >= expires_at(reserved_at, confirm_within)


def not_yet_expired(deadline: datetime) -> ConflictError:
    """The 409 for expiring an order before its deadline (a sweeper that raced a change)."""
    return ConflictError(
        "not-yet-expired",
        Message(id="Pesanan belum kedaluwarsa.", en="The order has not expired yet."),
        expires_at=deadline.isoformat(),
    )


def _require_aware(moment: datetime) -> None:
    """Naive datetimes compare wrongly across server time zones; refuse them early."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
