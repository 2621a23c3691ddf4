"""docker-compose.yml and deploy/k8s agree with the settings the services really read.

Docker cannot run here, so the production descriptions are checked statically: every service
gets every setting it requires (its own settings class must load from that environment), the
gateway's upstream URLs name services and ports that exist, and health checks guard start-up.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from lumbung_gateway.settings import GatewaySettings
from lumbung_listings.settings import ListingsSettings
from lumbung_orders.settings import OrdersSettings
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
        variables = dotenv_example()
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
        dockerfile = (ROOT / "services" / upstream / "Dockerfile").read_text()
        assert f'"--port", "{port}"' in dockerfile
        assert compose["gateway"]["depends_on"][upstream]["condition"] == "service_healthy"

    def test_only_the_gateway_is_published(self, compose: dict[str, Any]) -> None:
        published = [name for name, spec in compose.items() if spec.get("ports")]
        assert published == ["gateway"]
        assert compose["gateway"]["ports"] == ["8000:8000"]

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
