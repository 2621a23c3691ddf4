"""What a generated fishing-ground forecast needs beyond its JSON Schema, for property-based
runs of the contract (`tests/gateway/integration/test_schemathesis.py`, `CANNOT_STATE`).

The document states every field's shape and bounds; these rules are between values or about
the world, which no schema can say: the window is ordered, at most 7 days and not yet over;
every ground lies in a known maritime zone; a polygon is small with distinct vertices; a
forecast does not supersede itself. A positive request keeps them; anything else it generates
is left as generated.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

IN_A_ZONE = {"kind": "point", "lat": -5.8, "lon": 106.5}
"""Off Kepulauan Seribu: inside the seeded `perairan-kepulauan-seribu`."""


def forecast_within_rules(case: Any) -> Any:
    """Keep a generated `POST /v1/fishing-grounds/forecasts` body within the rules above."""
    body = case.body if isinstance(case.body, dict) else {}
    now = datetime.now(UTC)
    if {"issued_at", "valid_from", "valid_until"} <= set(body):
        body["issued_at"] = now.isoformat()
        body["valid_from"] = now.isoformat()
        body["valid_until"] = (now + timedelta(days=1)).isoformat()
    if isinstance(body.get("grounds"), list):
        body["grounds"] = [dict(IN_A_ZONE) for _ in body["grounds"]]
    if isinstance(body.get("supersedes"), list):
        body["supersedes"] = [i for i in body["supersedes"] if i != body.get("id")]
    return case
