"""Where devstack keeps downloads, builds, data, logs and PIDs."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DEPLOY_LOCAL = REPO_ROOT / "deploy" / "local"


def cache_dir() -> Path:
    """Downloads and builds live outside the clone so fresh clones (and CI) start warm."""
    configured = os.environ.get("LUMBUNG_CACHE")
    base = Path(configured) if configured else Path.home() / ".cache" / "lumbung"
    base.mkdir(parents=True, exist_ok=True)
    return base


def run_dir() -> Path:
    """PIDs and logs of the stack that `make up` started from this clone."""
    path = REPO_ROOT / ".lumbung" / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path
