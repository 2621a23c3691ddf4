#!/usr/bin/env bash
# Make sure uv exists (a fresh machine has Python and pip, not uv) and the workspace is
# installed from the lock file. Prints what it does; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -m uv --version >/dev/null 2>&1; then
  echo "[bootstrap] installing uv from PyPI ..." >&2
  python3 -m pip install --quiet --disable-pip-version-check "uv>=0.9,<0.14" \
    || python3 -m pip install --quiet --user --disable-pip-version-check "uv>=0.9,<0.14"
fi
echo "[bootstrap] syncing the virtual environment from uv.lock ..." >&2
python3 -m uv sync --locked --all-packages --quiet
