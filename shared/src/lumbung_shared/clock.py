"""Time as the store keeps it: UTC, to the millisecond.

BSON dates hold milliseconds. A timestamp with microseconds, returned to a client straight
after a write, would differ from the same value read back later; cursors and `since` sync built
from it would skip or repeat an item. Every service truncates the same way, here.
"""

from __future__ import annotations

from datetime import UTC, datetime


def to_millis(moment: datetime) -> datetime:
    """`moment` without its sub-millisecond part, as MongoDB will store it."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def utc_now() -> datetime:
    """Now, in UTC, already truncated to what the store keeps."""
    return to_millis(datetime.now(UTC))
