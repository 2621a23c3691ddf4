"""Private stacks for tests that would disturb the shared session stack (outages, fuzzing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from devstack.stack import Ports, Stack

from tests.support.stack_env import SERVICE_ENV


@contextmanager
def private_stack(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Stack]:
    """A whole stack of its own on free ports, stopped afterwards."""
    home = tmp_path_factory.mktemp(name)
    stack = Stack(
        data_dir=home / "data",
        run_dir=home / "run",
        ports=Ports.free(),
        partitions=1,
        service_env={service: dict(env) for service, env in SERVICE_ENV.items()},
    )
    try:
        stack.up()
        yield stack
    finally:
        stack.down()
