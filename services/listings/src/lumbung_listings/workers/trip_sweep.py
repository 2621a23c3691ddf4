"""The sweep that calls off trips overdue for landing, so no pre-order waits for ever."""

from __future__ import annotations

from lumbung_shared.loops import Loop, every

from lumbung_listings.usecases.call_off_trips import CallOffTrips


def trip_sweep(trips: CallOffTrips, seconds: float) -> Loop:
    """A loop calling off overdue trips every `seconds`."""
    return every(seconds, trips.sweep_overdue, "trip-sweep")
