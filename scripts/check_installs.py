"""Each service installs and imports on its own: an undeclared dependency fails here, not in prod.

For every workspace service, `uv sync --package` builds a fresh environment holding only that
service and what its pyproject declares (from the lock, no dev tools), then every module of the
service is imported in it. A module that imports a package the service did not declare fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("listings", "orders", "weather_alerts", "gateway")
IMPORT_ALL = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in names:
    importlib.import_module(name)
print(f"{sys.argv[1]}: {len(names)} modules import")
"""


def _uv() -> list[str]:
    """uv itself: `uv run` names it in $UV; else the one on PATH; else python3's module."""
    found = os.environ.get("UV") or shutil.which("uv")
    return [found] if found else [shutil.which("python3") or "python3", "-m", "uv"]


def check(service: str, scratch: Path) -> None:
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(scratch / service)}
    package = f"lumbung-{service.replace('_', '-')}"
    started = time.monotonic()
    print(f"[installs] {package}: uv sync --package (no dev) ...", file=sys.stderr, flush=True)
    subprocess.run(  # noqa: S603 -- fixed argv: uv and the scratch venv python
        [*_uv(), "sync", "--locked", "--no-dev", "--quiet", "--package", package],
        cwd=ROOT, env=env, check=True, timeout=600,
    )  # fmt: skip
    python = scratch / service / "bin" / "python"
    subprocess.run(  # noqa: S603 -- fixed argv
        [str(python), "-c", IMPORT_ALL, f"lumbung_{service}"], check=True, timeout=300
    )
    print(f"[installs] {package}: done in {time.monotonic() - started:.1f}s", file=sys.stderr)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lumbung-installs-") as scratch:
        for service in SERVICES:
            try:
                check(service, Path(scratch))
            except subprocess.CalledProcessError as failed:
                print(f"[installs] {service} does not install or import on its own: {failed}")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
