"""What every benchmark section returns, and how `make bench` judges and records it.

A section measures Lumbung's figure and its baseline *in the same run on the same machine*
(FerretDB and a co-located broker make absolute figures meaningless; ratios are not), and
returns rows. The runner (`bench/run.py`) prints them as one table and writes them as JSON
under `.lumbung/bench/`. A section never raises for a failed request or a timeout: those are
results (counted in a row), so one bad figure does not hide the others.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from devstack.stack import Stack


@dataclass(frozen=True)
class Row:
    """One figure beside its baseline, with the target it is held to (if any)."""

    section: str
    figure: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    """The target in words, e.g. "≥ 75 % of baseline"; empty when the row is informative only."""
    met: bool | None = None
    """Whether the target holds; None without a target or when a figure is missing."""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def at_least(  # noqa: PLR0917 (a row is read best in the order it prints)
    section: str,
    figure: str,
    value: float | None,
    unit: str,
    baseline: float | None,
    baseline_name: str,
    share: float,
    note: str = "",
) -> Row:
    """A higher-is-better figure that must reach `share` of its baseline."""
    met = None if value is None or not baseline else value >= share * baseline
    return Row(
        section, figure, value, unit, baseline, baseline_name,
        f"≥ {share:.0%} of baseline", met, note,
    )  # fmt: skip


def at_most(  # noqa: PLR0917 (a row is read best in the order it prints)
    section: str,
    figure: str,
    value: float | None,
    unit: str,
    baseline: float | None,
    baseline_name: str,
    times: float,
    note: str = "",
) -> Row:
    """A lower-is-better figure that may be at most `times` its baseline."""
    met = None if value is None or not baseline else value <= times * baseline
    return Row(
        section, figure, value, unit, baseline, baseline_name,
        f"≤ {times:g}× baseline", met, note,  # noqa: RUF001
    )  # fmt: skip


@dataclass
class BenchContext:
    """What the runner hands every section: one private stack for the whole run, and scale."""

    stack: Stack
    quick: bool = False
    """Smaller counts (for trying a section out); the defaults keep `make bench` under 10 min."""
    say: Callable[[str], None] = print
    started: float = field(default_factory=time.perf_counter)

    def progress(self, message: str) -> None:
        self.say(f"[{time.perf_counter() - self.started:6.1f} s] {message}")


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) of `values` by nearest rank, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU of process `pid` so far, from /proc (None elsewhere)."""
    if pid is None:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
