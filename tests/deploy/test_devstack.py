"""devstack details that once broke a start-up, and the observability wiring of its stack."""

from __future__ import annotations

from pathlib import Path

import devstack.infra
import devstack.observability
import pytest
import yaml
from devstack.infra import KafkaBroker
from devstack.observability import RULES, Jaeger
from devstack.processes import ManagedProcess, free_port
from devstack.stack import SERVICE_NAMES, SERVICES, Ports, Stack


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


def stack_in(tmp_path: Path, tracing: bool = False) -> Stack:
    return Stack(tmp_path / "data", tmp_path / "run", ports=Ports.free(), tracing=tracing)


class TestJaegerConfig:
    def test_it_listens_only_on_the_chosen_loopback_ports(self, tmp_path: Path) -> None:
        """Jaeger's defaults are a dozen fixed ports: two stacks on one machine would collide."""
        jaeger = Jaeger(free_port(), free_port(), free_port(), tmp_path)
        config = yaml.safe_load(jaeger.config())

        def endpoints(node: object) -> list[str]:
            if isinstance(node, dict):
                found = [str(v) for k, v in node.items() if k == "endpoint"]
                return found + [e for v in node.values() for e in endpoints(v)]
            return [e for v in node for e in endpoints(v)] if isinstance(node, list) else []

        ports = (jaeger.otlp_port, jaeger.query_port, jaeger.query_grpc_port)
        assert sorted(endpoints(config)) == sorted(f"127.0.0.1:{port}" for port in ports)
        assert config["receivers"] == {
            "otlp": {"protocols": {"http": {"endpoint": f"127.0.0.1:{jaeger.otlp_port}"}}}
        }
        assert config["service"]["telemetry"]["metrics"] == {"level": "none"}
        assert config["service"]["extensions"] == ["jaeger_storage", "jaeger_query"]
        memory = config["extensions"]["jaeger_storage"]["backends"]["memory_store"]["memory"]
        assert memory["max_traces"] == jaeger.max_traces


class TestStackObservability:
    def test_every_service_serves_metrics_on_a_port_of_its_own(self, tmp_path: Path) -> None:
        stack = stack_in(tmp_path)
        ports = set()
        for spec in SERVICES:
            env = stack.env_for(spec.name)
            port = int(env[f"{spec.env_prefix}METRICS_PORT"])
            assert env[f"{spec.env_prefix}METRICS_HOST"] == "127.0.0.1"
            assert stack.metrics_url(spec.name) == f"http://127.0.0.1:{port}/metrics"
            assert port != stack.ports.of(spec.name)
            ports.add(port)
        assert len(ports) == len(SERVICES)

    def test_the_default_ports_are_the_documented_ones(self) -> None:
        ports = Ports()
        metrics = [ports.metrics_of(service) for service in SERVICE_NAMES]
        assert sorted(metrics) == [9400, 9401, 9402, 9403]
        assert ports.metrics_of("gateway") == 9400
        assert (ports.jaeger_otlp, ports.jaeger_ui, ports.prometheus) == (4318, 16686, 9090)

    def test_services_export_traces_only_when_the_stack_runs_jaeger(self, tmp_path: Path) -> None:
        quiet = stack_in(tmp_path / "quiet").env_for("orders")
        assert not [key for key in quiet if key.startswith("OTEL_")]
        traced = stack_in(tmp_path / "traced", tracing=True)
        env = traced.env_for("orders")
        otlp = traced.ports.jaeger_otlp
        assert env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] == f"http://127.0.0.1:{otlp}/v1/traces"
        assert env["OTEL_SERVICE_NAME"] == "orders"
        assert int(env["OTEL_BSP_SCHEDULE_DELAY"]) <= 500
        assert traced.jaeger_url == f"http://127.0.0.1:{traced.ports.jaeger_ui}"

    def test_prometheus_scrapes_every_metrics_port_with_the_rules(self, tmp_path: Path) -> None:
        stack = stack_in(tmp_path)
        config = yaml.safe_load(stack.prometheus_server.config())
        jobs = {
            job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]
        }
        assert jobs == {s: [f"127.0.0.1:{stack.ports.metrics_of(s)}"] for s in SERVICE_NAMES}
        assert config["rule_files"] == [str(RULES)]
        assert config["global"]["scrape_interval"] == "5s"

    def test_down_stops_jaeger_and_prometheus_without_building_anything(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`make down` after `make up OBSERVABILITY=1`: found by PID file, nothing is built."""

        def no_build() -> Path:
            raise AssertionError("down and status must not fetch or build anything")

        monkeypatch.setattr(devstack.observability, "jaeger_binary", no_build)
        monkeypatch.setattr(devstack.infra, "kafka_libs", no_build)
        monkeypatch.setattr(devstack.infra, "ferretdb_binary", no_build)
        stack = stack_in(tmp_path)
        stack.run_dir.mkdir(parents=True)
        sleeper = ManagedProcess(
            "jaeger", ["sleep", "60"], stack.run_dir / "j.log", stack.run_dir / "jaeger.pid"
        )
        sleeper.start()
        assert "jaeger" in stack.status()

        stack.down()

        assert sleeper.pid() is None
        assert "jaeger" not in stack.status()
