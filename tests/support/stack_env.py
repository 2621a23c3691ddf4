"""Extra environment for the services of the test stack, one entry per service.

Test-only settings live here (short timers, the webhook loopback allow-list); production
defaults stay in each service's settings.
"""

from __future__ import annotations

SERVICE_ENV: dict[str, dict[str, str]] = {
    "listings": {},
    "orders": {},
    "weather_alerts": {},
    "gateway": {},
}
