"""Keeping what listings stores bounded: old sync tombstones and inbox ids.

FerretDB has no TTL index, so a supervised loop deletes what is old: deleted listings past the
tombstone retention (phones with older cursors resync from scratch) and processed-event ids no
redelivery will still need.
"""

from __future__ import annotations

from datetime import timedelta

from lumbung_shared.inbox import ProcessedEvents
from lumbung_shared.loops import Loop, every

from lumbung_listings.usecases.purge_tombstones import PurgeTombstones


def housekeeping(
    purge_tombstones: PurgeTombstones,
    inbox: ProcessedEvents,
    inbox_retention: timedelta,
    interval: float,
) -> Loop:
    """Every `interval` seconds, purge old tombstones and inbox ids older than the retention."""

    async def tidy() -> None:
        await purge_tombstones()
        await inbox.forget_older_than(inbox_retention)

    return every(interval, tidy, "housekeeping")
