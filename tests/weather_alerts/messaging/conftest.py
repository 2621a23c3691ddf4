"""The domain tests' clock and observation builder, for building chains to turn into events."""

from tests.weather_alerts.domain.conftest import now, observe

__all__ = ["now", "observe"]
