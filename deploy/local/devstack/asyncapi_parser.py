"""The official AsyncAPI parser (`@asyncapi/parser`, npm), installed once into the cache.

The contract tests validate every AsyncAPI document with it; there is no Python port. The
version is pinned by `tools/asyncapi/package.json` and its lock file, installed with `npm ci`
(exactly the locked tree, install scripts off: one dependency's postinstall only phones home)
into a folder keyed by a hash of those files and the runner script, like the Kafka jars.
"""

from __future__ import annotations

import shutil

from devstack.infra import _digest, _run
from devstack.paths import REPO_ROOT, cache_dir
from devstack.progress import step

TOOL_DIR = REPO_ROOT / "tools" / "asyncapi"
FILES = ("package.json", "package-lock.json", "validate.mjs")


def asyncapi_validator() -> list[str]:
    """The command that validates AsyncAPI files: append their paths (see validate.mjs)."""
    home = cache_dir() / "asyncapi-parser" / _digest(*(TOOL_DIR / name for name in FILES))
    marker = home / ".complete"
    if not marker.exists():
        with step("Installing the AsyncAPI parser from the npm registry (first run only)"):
            if home.exists():
                shutil.rmtree(home)
            home.mkdir(parents=True)
            for name in FILES:
                shutil.copyfile(TOOL_DIR / name, home / name)
            command = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
            _run(command, "npm ci", cwd=home)
            marker.write_text("ok\n")
    return ["node", str(home / "validate.mjs")]
