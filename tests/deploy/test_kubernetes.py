"""deploy/k8s manifests: every Deployment can load its settings and is probed correctly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.test_compose import SETTINGS, load_settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
DEPLOYMENTS = {
    "listings": "listings",
    "orders": "orders",
    "weather-alerts": "weather_alerts",
    "gateway": "gateway",
}


def documents() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs: list[dict[str, Any]] = []
    for resource in kustomization["resources"]:
        docs += [d for d in yaml.safe_load_all((K8S / resource).read_text()) if d]
    return docs


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents() if d["kind"] == kind}


def resolve_env(container: dict[str, Any]) -> dict[str, str]:
    """Container env with ConfigMap and Secret references looked up in the manifests."""
    config = by_kind("ConfigMap")["lumbung-config"]["data"]
    secrets = by_kind("Secret")["lumbung-secrets"]["stringData"]
    env = {}
    for item in container["env"]:
        source = item.get("valueFrom", {})
        if "configMapKeyRef" in source:
            env[item["name"]] = config[source["configMapKeyRef"]["key"]]
        elif "secretKeyRef" in source:
            env[item["name"]] = secrets[source["secretKeyRef"]["key"]]
        else:
            env[item["name"]] = item["value"]
    return env


class TestKubernetesDeployments:
    @pytest.mark.parametrize(("deployment", "service"), list(DEPLOYMENTS.items()))
    def test_settings_load_from_the_manifest_environment(
        self, deployment: str, service: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        container = by_kind("Deployment")[deployment]["spec"]["template"]["spec"]["containers"][0]
        settings = load_settings(monkeypatch, service, resolve_env(container))
        assert settings.service_name == service  # type: ignore[attr-defined]

    @pytest.mark.parametrize("deployment", list(DEPLOYMENTS))
    def test_probes_use_readiness_and_liveness_endpoints(self, deployment: str) -> None:
        container = by_kind("Deployment")[deployment]["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["ports"][0]["containerPort"] == 8000

    def test_gateway_upstreams_are_services_in_the_manifests(self) -> None:
        services = by_kind("Service")
        container = by_kind("Deployment")["gateway"]["spec"]["template"]["spec"]["containers"][0]
        env = resolve_env(container)
        for upstream in ("listings", "orders", "weather_alerts"):
            host = env[f"GATEWAY_{upstream.upper()}_URL"].removeprefix("http://")
            assert host in services

    def test_every_service_setting_class_is_deployed(self) -> None:
        assert set(DEPLOYMENTS.values()) == set(SETTINGS)
