"""Extra environment for the services of the test stack, one entry per service.

Test-only settings live here (short timers, the webhook loopback allow-list); production
defaults stay in each service's settings.
"""

from __future__ import annotations

from devstack.processes import free_port
from lumbung_shared.secrets import generate_secret

SERVICE_ENV: dict[str, dict[str, str]] = {
    "listings": {
        # Expired sea alerts are cleared from catch listings within a second in tests.
        "LISTINGS_RISK_SWEEP_SECONDS": "1",
        # Gauges (outbox, inbox, lag) sampled every 2 s, so a test sees them move soon; each
        # sample scans the outboxes (lumbung_shared.gauges), so `make up` and bench keep 15 s.
        "LISTINGS_METRICS_SAMPLE_SECONDS": "2",
    },
    "orders": {
        "ORDERS_EXPIRY_SCAN_SECONDS": "0.5",
        "ORDERS_METRICS_SAMPLE_SECONDS": "2",
        # Fresh per session: a fixed value in the repository would be a published key.
        "ORDERS_PAYMENT_CALLBACK_SECRET": generate_secret(),
        "ORDERS_EVENTS_POLL_SECONDS": "0.2",
        "ORDERS_EVENTS_HEARTBEAT_SECONDS": "1",
        "ORDERS_EVENTS_MAX_SECONDS": "20",
        # Tests race checkouts on purpose (stock races, rate limits); the devstack's backlog
        # bound of 3 would answer some of them 429. test_admission sets its own small bound.
        "ORDERS_SAGA_BACKLOG_LIMIT": "64",
    },
    "weather_alerts": {
        "WEATHER_ALERTS_WEBHOOK_ALLOW_LIST": "127.0.0.1",
        "WEATHER_ALERTS_METRICS_SAMPLE_SECONDS": "2",
        "WEATHER_ALERTS_WEBHOOK_REQUIRE_HTTPS": "false",
        "WEATHER_ALERTS_WEBHOOK_RETRY_SCALE": "0.002",
        "WEATHER_ALERTS_WEBHOOK_MAX_ATTEMPTS": "5",
        "WEATHER_ALERTS_WEBHOOK_POLL_SECONDS": "0.2",
        "WEATHER_ALERTS_WEBHOOK_TIMEOUT_SECONDS": "3",
        "WEATHER_ALERTS_EXPIRY_SWEEP_SECONDS": "0.5",
        "WEATHER_ALERTS_HOUSEKEEPING_SECONDS": "1",
        # The feed test serves a file on this port (chosen per session) from 127.0.0.1.
        "WEATHER_ALERTS_FORECAST_FEED_URL": f"http://127.0.0.1:{free_port()}/forecast.json",
        "WEATHER_ALERTS_FORECAST_POLL_SECONDS": "0.5",
        "WEATHER_ALERTS_FORECAST_TIMEOUT_SECONDS": "1",
        "WEATHER_ALERTS_FORECAST_ATTEMPTS": "2",
        "WEATHER_ALERTS_FORECAST_STALE_AFTER_SECONDS": "3",
        # The fishing-ground test serves a ZPPI feed on this port (per session) from 127.0.0.1.
        "WEATHER_ALERTS_FISHING_GROUND_FEED_URL": f"http://127.0.0.1:{free_port()}/zppi.json",
        "WEATHER_ALERTS_FISHING_GROUND_POLL_SECONDS": "0.5",
        "WEATHER_ALERTS_SSE_HEARTBEAT_SECONDS": "1",
        "WEATHER_ALERTS_SSE_POLL_SECONDS": "0.2",
        "WEATHER_ALERTS_SSE_MAX_LIFETIME_SECONDS": "30",
    },
    "gateway": {},
}
