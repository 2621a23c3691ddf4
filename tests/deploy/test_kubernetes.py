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
from devstack.observability import RULES, prometheus_rule
from lumbung_shared.secrets import KNOWN_EXAMPLES, PLACEHOLDER_MARKERS, generate_secret

from tests.deploy.test_compose import SETTINGS, load_settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
MONITORING = K8S / "monitoring"
DEPLOYMENTS = {
    "listings": "listings",
    "orders": "orders",
    "weather-alerts": "weather_alerts",
    "gateway": "gateway",
}


@cache
def rendered(folder: Path = K8S) -> str:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl is required to render deploy/k8s (it is installed on these machines)"
    result = subprocess.run(  # noqa: S603 (kubectl with fixed arguments)
        [kubectl, "kustomize", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def documents(folder: Path = K8S) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(rendered(folder)) if d]


def by_kind(kind: str, folder: Path = K8S) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents(folder) if d["kind"] == kind}


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
            ref = source["configMapKeyRef"]
            if ref["key"] in config or not ref.get("optional"):
                env[item["name"]] = config[ref["key"]]
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


class TestKubernetesMetricsAndTracing:
    @pytest.mark.parametrize(("deployment", "service"), list(DEPLOYMENTS.items()))
    def test_each_pod_serves_metrics_on_its_declared_and_annotated_port(
        self, deployment: str, service: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        container = container_of(deployment)
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        settings = load_settings(monkeypatch, service, resolve_env(container, generated_secret()))
        assert settings.metrics_port == ports["metrics"] == 9400  # type: ignore[attr-defined]
        assert settings.metrics_host == "0.0.0.0"  # type: ignore[attr-defined]  # noqa: S104
        template = by_kind("Deployment")[deployment]["spec"]["template"]["metadata"]
        assert template["annotations"] == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(ports["metrics"]),
            "prometheus.io/path": "/metrics",
        }

    @pytest.mark.parametrize("deployment", list(DEPLOYMENTS))
    def test_the_app_services_do_not_carry_the_metrics_port(self, deployment: str) -> None:
        """The gateway's Service is what the public reaches: metrics are not public."""
        for port in by_kind("Service")[deployment]["spec"]["ports"]:
            assert port["targetPort"] == "http"

    @pytest.mark.parametrize("deployment", list(DEPLOYMENTS))
    def test_traces_go_where_the_config_map_says_and_nowhere_by_default(
        self, deployment: str
    ) -> None:
        env = {item["name"]: item for item in container_of(deployment)["env"]}
        ref = env["OTEL_EXPORTER_OTLP_ENDPOINT"]["valueFrom"]["configMapKeyRef"]
        assert ref == {
            "name": "lumbung-config",
            "key": "OTEL_EXPORTER_OTLP_ENDPOINT",
            "optional": True,
        }
        assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in by_kind("ConfigMap")["lumbung-config"]["data"]


class TestKubernetesMonitoring:
    def test_it_is_optional_outside_the_base_kustomization(self) -> None:
        kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
        assert not [r for r in kustomization["resources"] if "monitoring" in r]
        assert not by_kind("ServiceMonitor")
        assert not by_kind("PrometheusRule")

    def test_the_service_monitor_scrapes_every_deployment_on_its_metrics_port(self) -> None:
        monitor = by_kind("ServiceMonitor", MONITORING)["lumbung"]["spec"]
        assert monitor["endpoints"][0]["port"] == "metrics"
        selected = [
            service
            for service in by_kind("Service", MONITORING).values()
            if monitor["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
        ]
        scraped = {service["spec"]["selector"]["app.kubernetes.io/name"] for service in selected}
        assert scraped == set(DEPLOYMENTS)
        for service in selected:
            assert service["spec"]["ports"] == [
                {"name": "metrics", "port": 9400, "targetPort": "metrics"}
            ]
        # The rules' target-down alert matches these job names (jobLabel).
        assert monitor["jobLabel"] == "app.kubernetes.io/name"

    def test_the_prometheus_rule_holds_exactly_the_alert_rules(self) -> None:
        rule = by_kind("PrometheusRule", MONITORING)["lumbung"]
        assert rule["spec"]["groups"] == yaml.safe_load(RULES.read_text())["groups"]
        generated = (MONITORING / "prometheus-rule.yaml").read_text()
        assert generated == prometheus_rule(), "run `python -m devstack prometheus-rule`"


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
