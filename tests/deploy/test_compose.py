"""docker-compose.yml and deploy/k8s agree with the settings the services really read.

Docker cannot run here, so the production descriptions are checked statically: every service
gets every setting it requires (its own settings class must load from that environment, with
the secrets an operator generates), the gateway's upstream URLs name services and ports that
exist, and health checks guard start-up. Real tools check the file too: the Compose
Specification's JSON schema (check-jsonschema ships it) and compose-lint's security rules.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from lumbung_gateway.settings import GatewaySettings
from lumbung_listings.settings import ListingsSettings
from lumbung_orders.settings import OrdersSettings
from lumbung_shared.secrets import generate_secret
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS: dict[str, tuple[type[BaseSettings], str]] = {
    "listings": (ListingsSettings, "LISTINGS_"),
    "orders": (OrdersSettings, "ORDERS_"),
    "weather_alerts": (WeatherAlertsSettings, "WEATHER_ALERTS_"),
    "gateway": (GatewaySettings, "GATEWAY_"),
}
KAFKA_SERVICES = ("listings", "orders", "weather_alerts")
_VARIABLE = re.compile(r"\$\{(\w+)(?::[?-]([^}]*))?\}")


def dotenv_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def filled_dotenv() -> dict[str, str]:
    """.env.example as an operator fills it in: every empty secret generated (JWT as kid:key)."""
    filled = dotenv_example()
    for key, value in filled.items():
        if not value:
            filled[key] = f"k1:{generate_secret()}" if key.endswith("_KEYS") else generate_secret()
    return filled


def tool(name: str) -> str:
    """A command-line tool installed from uv.lock into this interpreter's environment."""
    path = Path(sys.executable).with_name(name)
    assert path.exists(), f"{name} is missing: it is a dev dependency (run `make install`)"
    return str(path)


def interpolate(value: object, variables: dict[str, str]) -> str:
    """Compose's `${VAR:?message}` / `${VAR:-default}`, with variables from .env.example."""
    return _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(2) or ""), str(value))


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded["services"]


def load_settings(
    monkeypatch: pytest.MonkeyPatch, service: str, env: dict[str, str]
) -> BaseSettings:
    """Build the service's settings from exactly `env` (nothing from this machine leaks in)."""
    cls, prefix = SETTINGS[service]
    for key in [k for k in os.environ if k.startswith(prefix)]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return cls()


class TestComposeServices:
    @pytest.mark.parametrize("service", list(SETTINGS))
    def test_each_service_gets_every_setting_it_requires(
        self, compose: dict[str, Any], service: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        variables = filled_dotenv()
        env = {k: interpolate(v, variables) for k, v in compose[service]["environment"].items()}
        settings = load_settings(monkeypatch, service, env)
        assert settings.service_name == service  # type: ignore[attr-defined]

    @pytest.mark.parametrize("service", KAFKA_SERVICES)
    def test_kafka_services_point_at_the_compose_broker_and_store(
        self, compose: dict[str, Any], service: str
    ) -> None:
        env = compose[service]["environment"]
        prefix = SETTINGS[service][1]
        assert env[f"{prefix}KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env[f"{prefix}MONGO_URL"].startswith("mongodb://mongo:27017")
        waits_for = compose[service]["depends_on"]
        assert waits_for["kafka"]["condition"] == "service_healthy"
        assert waits_for["mongo"]["condition"] == "service_healthy"
        assert waits_for["topics"]["condition"] == "service_completed_successfully"

    @pytest.mark.parametrize("upstream", KAFKA_SERVICES)
    def test_gateway_upstreams_are_compose_services_on_their_container_port(
        self, compose: dict[str, Any], upstream: str
    ) -> None:
        url = compose["gateway"]["environment"][f"GATEWAY_{upstream.upper()}_URL"]
        host, port = re.fullmatch(r"http://([\w-]+):(\d+)", url).groups()  # type: ignore[union-attr]
        assert host == upstream
        dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
        assert f"--port {port} " in dockerfile
        assert compose[upstream]["build"]["args"] == {"SERVICE": upstream}
        # One service down must not keep the gateway from starting (issue 12, point 7).
        assert compose["gateway"]["depends_on"][upstream]["condition"] == "service_started"

    def test_only_the_gateway_is_published(self, compose: dict[str, Any]) -> None:
        default = {name: spec for name, spec in compose.items() if not spec.get("profiles")}
        published = [name for name, spec in default.items() if spec.get("ports")]
        assert published == ["gateway"]
        # Loopback only: a TLS-terminating proxy in front publishes it (CL-0005).
        assert compose["gateway"]["ports"] == ["127.0.0.1:8000:8000"]

    @pytest.mark.parametrize("service", [*SETTINGS, "kafka", "mongo"])
    def test_every_long_running_container_has_a_healthcheck(
        self, compose: dict[str, Any], service: str
    ) -> None:
        assert compose[service]["healthcheck"]["test"]

    def test_kafka_runs_kraft_and_mongo_is_version_7_or_newer(
        self, compose: dict[str, Any]
    ) -> None:
        kafka = compose["kafka"]["environment"]
        assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"
        assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
        assert "zookeeper" not in yaml.safe_dump(compose).lower()
        major = int(compose["mongo"]["image"].split(":")[1].split(".")[0])
        assert major >= 7


class TestComposeObservability:
    @pytest.mark.parametrize("service", list(SETTINGS))
    def test_metrics_are_served_on_the_internal_network_only(
        self, compose: dict[str, Any], service: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        variables = filled_dotenv()
        env = {k: interpolate(v, variables) for k, v in compose[service]["environment"].items()}
        settings = load_settings(monkeypatch, service, env)
        assert settings.metrics_port == 9400  # type: ignore[attr-defined]
        assert settings.metrics_host == "0.0.0.0"  # type: ignore[attr-defined]  # noqa: S104
        assert not any(
            ":9400" in str(port) for spec in compose.values() for port in spec.get("ports", [])
        )

    @pytest.mark.parametrize("service", list(SETTINGS))
    def test_tracing_is_off_unless_dotenv_turns_it_on(
        self, compose: dict[str, Any], service: str
    ) -> None:
        env = {
            k: interpolate(v, dotenv_example()) for k, v in compose[service]["environment"].items()
        }
        assert env["OTEL_SDK_DISABLED"] == "true"
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"

    def test_the_profile_scrapes_every_service_on_its_metrics_port_with_the_rules(
        self, compose: dict[str, Any]
    ) -> None:
        prometheus = compose["prometheus"]
        mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in prometheus["volumes"]}
        config_file = ROOT / mounts_key(mounts, "/etc/prometheus/prometheus.yml")
        config = yaml.safe_load(config_file.read_text())
        targets = {
            job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]
        }
        assert targets == {service: [f"{service}:9400"] for service in SETTINGS}
        assert config["rule_files"] == ["/etc/prometheus/rules.yml"]
        assert mounts_key(mounts, "/etc/prometheus/rules.yml") == "./deploy/prometheus/rules.yml"

    def test_the_profile_is_opt_in_and_its_interfaces_stay_on_loopback(
        self, compose: dict[str, Any]
    ) -> None:
        for name in ("prometheus", "jaeger"):
            assert compose[name]["profiles"] == ["observability"]
            assert all(str(port).startswith("127.0.0.1:") for port in compose[name]["ports"])
        assert compose["jaeger"]["image"] == "jaegertracing/jaeger:2.13.0"  # = Go module v1.76.0


def mounts_key(mounts: dict[str, str], target: str) -> str:
    """The host path mounted at `target`."""
    return next(source for source, mounted in mounts.items() if mounted == target)


class TestComposeShipsNoSecret:
    def test_every_secret_in_env_example_is_empty(self) -> None:
        secrets = {k: v for k, v in dotenv_example().items() if re.search(r"SECRET|KEYS", k)}
        assert set(secrets) == {
            "LUMBUNG_INTERNAL_SECRET",
            "LUMBUNG_JWT_KEYS",
            "LUMBUNG_PAYMENT_CALLBACK_SECRET",
        }
        assert set(secrets.values()) == {""}

    @pytest.mark.parametrize("service", list(SETTINGS))
    def test_secrets_come_only_from_the_environment(
        self, compose: dict[str, Any], service: str
    ) -> None:
        """No literal key in the file; a required one stops `docker compose` when empty."""
        for key, value in compose[service]["environment"].items():
            if not re.search(r"SECRET|KEYS", key):
                continue
            variable = _VARIABLE.fullmatch(str(value))
            assert variable, f"{service}.{key} must be ${{VARIABLE}}, not a value"
            if key.endswith("PAYMENT_CALLBACK_SECRET"):
                assert ":-}" in str(value)  # optional: empty refuses callbacks
            else:
                assert ":?" in str(value), f"{service}.{key} must use ${{VAR:?message}}"


class TestComposeCheckedByRealTools:
    def test_valid_against_the_compose_specification_schema(self) -> None:
        result = subprocess.run(  # noqa: S603 (our own tool from the venv, fixed arguments)
            [
                tool("check-jsonschema"),
                "--builtin-schema",
                "vendor.compose-spec",
                str(ROOT / "docker-compose.yml"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_compose_lint_finds_nothing_unsuppressed(self) -> None:
        """Every finding, low included, is fixed or suppressed with a reason (.compose-lint.yml)."""
        result = subprocess.run(  # noqa: S603 (our own tool from the venv, fixed arguments)
            [
                tool("compose-lint"),
                "check",
                "--quiet",
                "--fail-on",
                "low",
                "--strict-config",
                "--no-env",
                "--config",
                str(ROOT / ".compose-lint.yml"),
                str(ROOT / "docker-compose.yml"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=ROOT,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "0 issues" in result.stdout
