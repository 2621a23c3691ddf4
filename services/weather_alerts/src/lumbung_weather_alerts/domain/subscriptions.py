"""Which agency subscriptions hear about which alert, and when a failed delivery is retried.

An agency subscribes to regency code prefixes ('33' for all of Central Java, '33.26' for one
regency) and a minimum CAP severity. It then receives every message of each alert chain that
reached that severity in its regencies, including the Update and the Cancel that follow, even
when they are graded lower: an agency told of a storm must also be told that it is over.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import timedelta
from typing import Annotated

from pydantic import Field

from .cap import Severity
from .webhooks import next_attempt_delay

RegencyPrefix = Annotated[str, Field(pattern=r"^\d{2}(?:\.\d{2}){0,2}$")]
"""A Kemendagri code prefix: province 'NN', regency 'NN.NN' or district 'NN.NN.NN'."""

SEVERITY_RANK: dict[Severity, int] = {
    Severity.MINOR: 0,
    Severity.MODERATE: 1,
    Severity.SEVERE: 2,
    Severity.EXTREME: 3,
}


def regency_path(codes: Iterable[str]) -> list[str]:
    """Every prefix of every code ('31.01' -> '31', '31.01'), for prefix filters by equality.

    FerretDB has no prefix index; storing the prefixes lets one indexed `$in` find them.
    """
    path: set[str] = set()
    for code in codes:
        parts = code.split(".")
        path.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return sorted(path)


def subscription_matches(
    prefixes: Iterable[str],
    min_severity: Severity,
    regency_codes: Iterable[str],
    peak_severity: Severity,
) -> bool:
    """True when the subscription covers one of the alert's regencies and its peak severity."""
    codes = list(regency_codes)
    covered = any(code.startswith(prefix) for prefix in prefixes for code in codes)
    return covered and SEVERITY_RANK[peak_severity] >= SEVERITY_RANK[min_severity]


def retry_delay(
    failed_attempts: int, rng: random.Random, *, scale: float = 1.0, max_attempts: int = 11
) -> timedelta | None:
    """Wait before the next try after `failed_attempts` failures; None means dead-letter.

    `scale` shrinks the whole schedule (tests run it in seconds); `max_attempts` may cut it
    short but never lengthen it beyond the domain schedule.
    """
    if failed_attempts >= max_attempts:
        return None
    delay = next_attempt_delay(failed_attempts, rng)
    return None if delay is None else delay * scale
