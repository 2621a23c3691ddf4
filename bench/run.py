"""`make bench`: one private stack, every section in a fixed order, one table, one JSON record.

Starts Kafka, FerretDB and the four services on free 127.0.0.1 ports in a temporary folder
(gateway rate limits loosened, so the load is not refused at the door), runs each section of
`bench/sections/` against it and prints one table, each figure beside its same-run baseline.
The table is also written as JSON to `.lumbung/bench/<UTC time>.json` and `latest.json`, with
the machine it ran on. A section that is missing, raises or overruns its time becomes a failed
row; the run goes on. The defaults finish in under 16 minutes on a 2-core machine.

    PYTHONPATH=deploy/local uv run python bench/run.py [--only store_trips,saga] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `bench.harness`, `bench.sections.*` from any working directory

from devstack.stack import Ports, Stack  # noqa: E402 (needs the path above)

from bench import harness  # noqa: E402
from bench.harness import BenchContext, Row  # noqa: E402

sys.modules.setdefault("harness", harness)  # a section importing `harness` gets the same module

SECTIONS: dict[str, float] = {
    "kafka": 60,
    "relay": 70,
    "gateway": 80,
    "search": 70,
    "store_trips": 50,
    "saga": 270,
    "tracing": 330,
}
"""Run order, and each section's hard time limit in seconds (its own budget is below it)."""
TOTAL_SECONDS = 920.0
"""The whole run, stack start included: a section gets at most what is left of it."""
CANCEL_GRACE_SECONDS = 10.0
LOOSE_LIMITS = {
    f"GATEWAY_{kind}_{rate}": "1000000"
    for kind in ("IP", "ACCOUNT", "ORDER")
    for rate in ("BURST", "PER_SECOND")
}
COLUMNS = ("section", "figure", "value unit", "baseline (name)", "ratio", "target", "met")


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def failed(section: str, what: str, note: str) -> Row:
    """A section that produced no figures, as a row that fails its (implicit) target."""
    return Row(section, what, None, "", target="section runs", met=False, note=note[:300])


async def run_section(name: str, ctx: BenchContext) -> list[Row]:
    """One section's rows; its absence or exception is a failed row instead."""
    try:
        module = importlib.import_module(f"bench.sections.{name}")
    except ModuleNotFoundError as exc:
        missing = exc.name == f"bench.sections.{name}"
        what, note = ("section missing", f"no bench/sections/{name}.py") if missing else (
            "section failed to import", repr(exc))  # fmt: skip
        return [failed(name, what, note)]
    except Exception as exc:
        return [failed(name, "section failed to import", f"{type(exc).__name__}: {exc}")]
    try:
        rows: list[Row] = await module.run(ctx)
    except Exception as exc:
        return [failed(name, "section raised", f"{type(exc).__name__}: {exc}")]
    return rows


def run_bounded(name: str, ctx: BenchContext, limit: float) -> list[Row]:
    """Run a section in an event loop of its own and stop waiting for it after `limit` seconds.

    Not `asyncio.run(wait_for(...))`: both wait for a cancelled task to finish, so a section
    that swallows its cancellation (seen: a relay stuck on a publish) would hang the whole run.
    Here it gets a grace period and is then abandoned with whatever it still holds open.
    """
    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(run_section(name, ctx))
        loop.run_until_complete(asyncio.wait({task}, timeout=limit))
        if task.done():
            return task.result()
        task.cancel()
        loop.run_until_complete(asyncio.wait({task}, timeout=CANCEL_GRACE_SECONDS))
        how = "stopped" if task.done() else "did not stop when cancelled; abandoned"
        return [failed(name, "section timed out", f"over its {limit:.0f} s limit; {how}")]
    finally:
        leftovers = asyncio.all_tasks(loop)
        for leftover in leftovers:
            leftover.cancel()
        if leftovers:
            loop.run_until_complete(asyncio.wait(leftovers, timeout=CANCEL_GRACE_SECONDS))
        loop.close()


def table(rows: Sequence[Row]) -> str:
    """The rows as one aligned text table; notes follow as numbered footnotes."""
    notes: list[str] = []
    cells = []
    for row in rows:
        figure = row.figure
        if row.note:
            notes.append(row.note)
            figure = f"{figure} [{len(notes)}]"
        baseline = f"{_number(row.baseline)} ({row.baseline_name})" if row.baseline_name else ""
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        met = {True: "yes", False: "NO", None: ""}[row.met]
        value = f"{_number(row.value)} {row.unit}".strip()
        cells.append((row.section, figure, value, baseline, ratio, row.target, met))
    widths = [max(len(c[i]) for c in [COLUMNS, *cells]) for i in range(len(COLUMNS))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in [COLUMNS, tuple("-" * w for w in widths), *cells]]  # fmt: skip
    lines += [f"[{n}] {note}" for n, note in enumerate(notes, start=1)]
    return "\n".join(lines)


def machine(
    started: datetime, load: tuple[float, ...], seconds: float, quick: bool, sections: Sequence[str]
) -> dict[str, Any]:
    """Where and how the figures were taken: ratios only compare within one such record."""
    try:
        # A fixed git command on our own checkout (no user input), found on PATH like make does.
        described = subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty", "--abbrev=40"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        commit = described.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    return {
        "started": started.isoformat(),
        "total_seconds": round(seconds, 1),
        "cores": os.cpu_count(),
        "load_average_at_start": load,
        "load_average_at_end": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": commit,
        "quick": quick,
        "sections": list(sections),
    }


def write_record(out: Path, record: dict[str, Any], started: datetime) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, indent=2, ensure_ascii=False)
    path = out / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(text)
    (out / "latest.json").write_text(text)
    return path


def run_all(names: Sequence[str], quick: bool, say: Any) -> list[Row]:
    """Start one private stack, run the sections (each in its own event loop), stop the stack."""
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-") as home:
        stack = Stack(
            data_dir=Path(home) / "data",
            run_dir=Path(home) / "run",
            ports=Ports.free(),
            partitions=2,
            service_env={"gateway": LOOSE_LIMITS},
        )
        ctx = BenchContext(stack, quick=quick, say=say)
        try:
            ctx.progress("starting the private stack (Kafka, FerretDB, four services)")
            stack.up()
        except Exception as exc:
            stack.down()
            return [failed("stack", "stack did not start", f"{type(exc).__name__}: {exc}")]
        rows: list[Row] = []
        try:
            for name in names:
                left = TOTAL_SECONDS - (time.perf_counter() - ctx.started)
                if left < 5:
                    rows.append(failed(name, "section skipped", "the run's time was used up"))
                    continue
                ctx.progress(f"section {name}")
                rows += run_bounded(name, ctx, min(SECTIONS[name], left))
        finally:
            stack.down()
        return rows


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends the run like Ctrl-C does: through the `finally` that stops the stack."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", default="", help=f"comma-separated, of: {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="smaller counts, to try things")
    parser.add_argument("--out", type=Path, default=ROOT / ".lumbung" / "bench")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    started, load, began = datetime.now(UTC), os.getloadavg(), time.perf_counter()
    rows = run_all(names, args.quick, lambda message: print(message, flush=True))
    seconds = time.perf_counter() - began
    print()
    print(table(rows))
    record = {"machine": machine(started, load, seconds, args.quick, names),
              "rows": [row.as_json() for row in rows]}  # fmt: skip
    path = write_record(args.out, record, started)
    print(f"\n{len(rows)} rows in {seconds:.0f} s; written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
