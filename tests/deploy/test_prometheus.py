"""deploy/prometheus and deploy/grafana: rules pass promtool, the dashboard's queries parse.

promtool is Debian's `prometheus` package (`devstack prepare` installs it where it runs as
root, as CI does). Outside CI a machine without it skips these tests; with `CI=true` they fail
instead, so CI never passes without having checked the rules.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from devstack.observability import PROMETHEUS_DIR, RULES, Prometheus

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "grafana" / "lumbung.json"
FAMILIES = {
    "lumbung_http_requests_total",
    "lumbung_http_request_duration_seconds",
    "lumbung_events_handled_total",
    "lumbung_events_duplicates_total",
    "lumbung_events_retried_total",
    "lumbung_events_dead_lettered_total",
    "lumbung_event_handler_duration_seconds",
    "lumbung_consumer_lag",
    "lumbung_outbox_pending_events",
    "lumbung_outbox_oldest_event_age_seconds",
    "lumbung_inbox_events",
    "lumbung_webhook_deliveries_total",
    "lumbung_alerts_in_force",
    "lumbung_order_transitions_total",
    "lumbung_gateway_upstream_circuit_open",
    "lumbung_store_commands_total",
    "lumbung_store_command_seconds_total",
}
ALERTS = {
    "LumbungTargetDown",
    "LumbungDeadLettersGrowing",
    "LumbungConsumerLag",
    "LumbungOutboxStuck",
    "LumbungWebhookFailures",
    "LumbungUpstreamCircuitOpen",
}


def promtool() -> str:
    found = shutil.which("promtool")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("promtool is missing in CI: `devstack prepare` installs Debian's prometheus")
    pytest.skip("promtool is missing (apt-get install prometheus); CI runs these")


def run_promtool(*args: str, cwd: Path = PROMETHEUS_DIR) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (promtool with fixed arguments)
        [promtool(), *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


def rules() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = yaml.safe_load(RULES.read_text())["groups"][0]["rules"]
    return loaded


def families_in(expr: str) -> set[str]:
    """lumbung_* family names an expression reads (histogram suffixes stripped)."""
    names = set(re.findall(r"\blumbung_\w+", expr))
    return {re.sub(r"_(bucket|sum|count)$", "", name) for name in names}


class TestAlertRules:
    def test_promtool_checks_the_rules(self) -> None:
        result = run_promtool("check", "rules", str(RULES))
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"SUCCESS: {len(ALERTS)} rules found" in result.stdout

    def test_promtool_proves_each_alert_fires_and_stays_quiet(self) -> None:
        result = run_promtool("test", "rules", "rules_test.yml")
        assert result.returncode == 0, result.stdout + result.stderr

    def test_every_alert_is_unit_tested(self) -> None:
        tested = {
            case["alertname"]
            for test in yaml.safe_load((PROMETHEUS_DIR / "rules_test.yml").read_text())["tests"]
            for case in test["alert_rule_test"]
            if case["exp_alerts"]
        }
        assert tested == {rule["alert"] for rule in rules()} == ALERTS

    def test_every_alert_has_a_severity_and_english_and_indonesian_text(self) -> None:
        for rule in rules():
            assert rule["labels"]["severity"] in {"critical", "warning"}
            assert set(rule["annotations"]) == {
                "summary",
                "description",
                "summary_id",
                "description_id",
            }

    def test_the_rules_read_only_families_the_services_serve(self) -> None:
        for rule in rules():
            assert families_in(rule["expr"]) <= FAMILIES, rule["alert"]

    def test_the_devstack_scrape_config_is_valid(self, tmp_path: Path) -> None:
        prometheus = Prometheus(9090, {"gateway": 9400, "orders": 9402}, tmp_path, tmp_path)
        (tmp_path / "prometheus.yml").write_text(prometheus.config())
        result = run_promtool("check", "config", str(tmp_path / "prometheus.yml"))
        assert result.returncode == 0, result.stdout + result.stderr

    def test_the_compose_scrape_config_is_valid(self) -> None:
        result = run_promtool("check", "config", "--syntax-only", "prometheus-compose.yml")
        assert result.returncode == 0, result.stdout + result.stderr


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def expressions() -> list[str]:
    return [
        target["expr"] for panel in dashboard()["panels"] for target in panel.get("targets", [])
    ]


class TestDashboard:
    def test_the_datasource_is_a_variable(self) -> None:
        variables = {v["name"]: v for v in dashboard()["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource"
        assert variables["datasource"]["query"] == "prometheus"
        for panel in dashboard()["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == "${datasource}", panel["title"]

    def test_it_shows_every_family(self) -> None:
        shown = set().union(*(families_in(expr) for expr in expressions()))
        assert shown == FAMILIES - {"lumbung_store_command_seconds_total"}

    def test_every_query_parses(self, tmp_path: Path) -> None:
        """Each panel query as a recording rule, so promtool parses the PromQL."""
        concrete = [
            expr.replace("$__rate_interval", "5m").replace("$service", ".*")
            for expr in expressions()
        ]
        recorded = [{"record": f"dashboard:query_{i}", "expr": e} for i, e in enumerate(concrete)]
        file = tmp_path / "dashboard-queries.yml"
        file.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": recorded}]}))
        result = run_promtool("check", "rules", str(file), cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
