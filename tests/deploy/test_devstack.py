"""devstack details that once broke a start-up."""

from __future__ import annotations

from pathlib import Path

import devstack.infra
import pytest
from devstack.infra import KafkaBroker
from devstack.processes import free_port


class TestKafkaStorageFormat:
    def test_a_cluster_id_starting_with_a_dash_is_accepted(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(devstack.infra, "_cluster_id", lambda: "-bcdefghijklmnopqrstuv")
        (tmp_path / "run").mkdir()
        broker = KafkaBroker(free_port(), free_port(), tmp_path / "data", tmp_path / "run")

        broker._format_once()

        meta = (tmp_path / "data" / "meta.properties").read_text()
        assert "cluster.id=-bcdefghijklmnopqrstuv" in meta
