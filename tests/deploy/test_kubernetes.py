"""deploy/k8s manifests: rendered by kubectl, every Deployment can load its settings, no key ships.

The manifests are read as `kubectl kustomize deploy/k8s` renders them (the real tool, present
on these machines), not by walking the files ourselves. The Secret `lumbung-secrets` is created
out of band (deploy/k8s/secret.yaml says how), so the settings tests fill it with generated keys.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from lumbung_shared.secrets import KNOWN_EXAMPLES, PLACEHOLDER_MARKERS, generate_secret

from tests.deploy.test_compose import SETTINGS, load_settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
DEPLOYMENTS = {
    "listings": "listings",
    "orders": "orders",
    "weather-alerts": "weather_alerts",
    "gateway": "gateway",
}


@cache
def rendered() -> str:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is required to render deploy/k8s (it is installed on these machines)"
    result = subprocess.run(  # noqa: S603 (kubectl with fixed arguments)
        [kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def documents() -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(rendered()) if d]


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents() if d["kind"] == kind}


def secret_template() -> dict[str, str]:
    template: dict[str, str] = yaml.safe_load((K8S / "secret.yaml").read_text())["stringData"]
    return template


def generated_secret() -> dict[str, str]:
    """lumbung-secrets as an operator creates it with the commands in secret.yaml."""
    return {
        "INTERNAL_SECRET": generate_secret(),
        "JWT_KEYS": f"k1:{generate_secret()}",
        "PAYMENT_CALLBACK_SECRET": generate_secret(),
    }


def resolve_env(container: dict[str, Any], secrets: dict[str, str]) -> dict[str, str]:
    """Container env with ConfigMap references looked up in the manifests, Secret in `secrets`."""
    config = by_kind("ConfigMap")["lumbung-config"]["data"]
    env = {}
    for item in container["env"]:
        source = item.get("valueFrom", {})
        if "configMapKeyRef" in source:
            env[item["name"]] = config[source["configMapKeyRef"]["key"]]
        elif "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            assert ref["name"] == "lumbung-secrets"
            if ref["key"] in secrets or not ref.get("optional"):
                env[item["name"]] = secrets[ref["key"]]
        else:
            env[item["name"]] = item["value"]
    return env


def container_of(deployment: str) -> dict[str, Any]:
    spec = by_kind("Deployment")[deployment]["spec"]["template"]["spec"]
    container: dict[str, Any] = spec["containers"][0]
    return container


class TestKubernetesDeployments:
    @pytest.mark.parametrize(("deployment", "service"), list(DEPLOYMENTS.items()))
    def test_settings_load_from_the_manifest_environment(
        self, deployment: str, service: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        env = resolve_env(container_of(deployment), generated_secret())
        settings = load_settings(monkeypatch, service, env)
        assert settings.service_name == service  # type: ignore[attr-defined]

    @pytest.mark.parametrize("deployment", list(DEPLOYMENTS))
    def test_probes_use_readiness_and_liveness_endpoints(self, deployment: str) -> None:
        container = container_of(deployment)
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["ports"][0]["containerPort"] == 8000

    def test_gateway_upstreams_are_services_in_the_manifests(self) -> None:
        services = by_kind("Service")
        env = resolve_env(container_of("gateway"), generated_secret())
        for upstream in ("listings", "orders", "weather_alerts"):
            host = env[f"GATEWAY_{upstream.upper()}_URL"].removeprefix("http://")
            assert host in services

    def test_every_service_setting_class_is_deployed(self) -> None:
        assert set(DEPLOYMENTS.values()) == set(SETTINGS)


class TestKubernetesShipsNoSecret:
    def test_the_rendered_manifests_hold_no_secret_value(self) -> None:
        """A key committed here would be published; the Secret is created out of band."""
        for secret in by_kind("Secret").values():
            values = {**secret.get("data", {}), **secret.get("stringData", {})}
            assert not any(values.values()), f"Secret {secret['metadata']['name']} holds a value"

    def test_no_rendered_setting_is_a_known_or_placeholder_value(self) -> None:
        text = rendered()
        assert not [value for value in KNOWN_EXAMPLES if value in text]
        settings = [str(v) for m in by_kind("ConfigMap").values() for v in m["data"].values()]
        settings += [
            str(item.get("value", ""))
            for deployment in DEPLOYMENTS
            for item in container_of(deployment)["env"]
        ]
        placeholders = [
            value
            for value in settings
            if any(marker in value.lower() for marker in PLACEHOLDER_MARKERS)
        ]
        assert not placeholders

    def test_the_secret_template_is_outside_the_kustomization_and_empty(self) -> None:
        kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
        assert "secret.yaml" not in kustomization["resources"]
        assert set(secret_template().values()) == {""}

    def test_the_template_names_every_key_the_deployments_read(self) -> None:
        read = {
            item["valueFrom"]["secretKeyRef"]["key"]
            for deployment in DEPLOYMENTS
            for item in container_of(deployment)["env"]
            if "secretKeyRef" in item.get("valueFrom", {})
        }
        assert read == set(secret_template()) == set(generated_secret())
