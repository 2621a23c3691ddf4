"""Jaeger (built with Go, cached like FerretDB) and Prometheus (Debian's package), on chosen ports.

Both are opt-in: the test session runs Jaeger so a test can find one order's trace, and
`make up OBSERVABILITY=1` runs both so a developer can look at traces and metrics. Jaeger's
built-in defaults listen on a dozen fixed ports, so it is always started with our own config
(`deploy/local/jaeger/config.yaml.template`): two stacks on one machine never collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from string import Template

import yaml

from devstack.infra import _digest, _run
from devstack.paths import DEPLOY_LOCAL, REPO_ROOT, cache_dir
from devstack.processes import ManagedProcess, by_pid_file, http_ok
from devstack.progress import say, step

JAEGER_DIR = DEPLOY_LOCAL / "jaeger"
PROMETHEUS_DIR = REPO_ROOT / "deploy" / "prometheus"
RULES = PROMETHEUS_DIR / "rules.yml"
PROMETHEUS_RULE = REPO_ROOT / "deploy" / "k8s" / "monitoring" / "prometheus-rule.yaml"
JAEGER_PACKAGE = "github.com/jaegertracing/jaeger/cmd/jaeger"
APT_INSTALL = ["apt-get", "install", "-y", "--no-install-recommends", "prometheus"]


class MissingToolError(RuntimeError):
    """A tool the observability profile needs is not installed and cannot be installed here."""


def jaeger_binary() -> Path:
    """Jaeger v2 (all-in-one), built through the Go module proxy once (go.mod's `tool`)."""
    sources = [JAEGER_DIR / name for name in ("go.mod", "go.sum")]
    binary = cache_dir() / "bin" / f"jaeger-{_digest(*sources)}"
    if binary.exists():
        return binary
    with step("Building Jaeger v2 with Go (first run only, 2-4 minutes on two cores)"):
        binary.parent.mkdir(parents=True, exist_ok=True)
        tmp = binary.with_suffix(".tmp")
        _run(["go", "build", "-o", str(tmp), JAEGER_PACKAGE], "go build jaeger", cwd=JAEGER_DIR)
        tmp.rename(binary)
    return binary


def prometheus_tools(install: bool = True) -> tuple[str, str]:
    """`prometheus` and `promtool`, installed from Debian's package when missing and root.

    Anyone else gets the command to run; nothing is downloaded from outside the package archive.
    """
    found = shutil.which("prometheus"), shutil.which("promtool")
    if found[0] and found[1]:
        return found[0], found[1]
    if not install or os.geteuid() != 0:
        raise MissingToolError(
            f"prometheus/promtool are missing: run `sudo {' '.join(APT_INSTALL)}`"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with step("Installing Prometheus from Debian's package (first run only)"):
        known = subprocess.run(
            ["apt-cache", "show", "prometheus"], capture_output=True, check=False, env=env
        )
        if known.returncode != 0:  # a fresh machine has no package lists yet
            subprocess.run(["apt-get", "update"], capture_output=True, check=False, env=env)
        result = subprocess.run(APT_INSTALL, capture_output=True, text=True, check=False, env=env)
        if result.returncode != 0:
            raise MissingToolError(f"{' '.join(APT_INSTALL)} failed:\n{result.stderr[-1500:]}")
    return prometheus_tools(install=False)


def prometheus_rule() -> str:
    """deploy/prometheus/rules.yml as a prometheus-operator `PrometheusRule` (same groups)."""
    groups = yaml.safe_load(RULES.read_text())["groups"]
    manifest = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "lumbung",
            "labels": {"app.kubernetes.io/part-of": "lumbung"},
        },
        "spec": {"groups": groups},
    }
    header = (
        "# Generated from deploy/prometheus/rules.yml by `python -m devstack prometheus-rule`:\n"
        "# edit the rules there (tests/deploy/test_prometheus.py fails when the two differ).\n"
    )
    return header + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=1000)


@dataclass
class Jaeger:
    """Jaeger v2 with memory storage: OTLP/HTTP in, the query API (and UI page) out."""

    otlp_port: int
    query_port: int
    query_grpc_port: int
    run_dir: Path
    max_traces: int = 20_000

    @property
    def otlp_traces_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.otlp_port}/v1/traces"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.query_port}"

    def config(self) -> str:
        template = Template((JAEGER_DIR / "config.yaml.template").read_text())
        return template.substitute(
            otlp_port=self.otlp_port,
            query_port=self.query_port,
            query_grpc_port=self.query_grpc_port,
            max_traces=self.max_traces,
        )

    def start(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if by_pid_file("jaeger", self.run_dir).pid() is not None:
            return
        config = self.run_dir / "jaeger.yaml"
        config.write_text(self.config())
        process = ManagedProcess(
            name="jaeger",
            command=[str(jaeger_binary()), "--config", f"file:{config}"],
            log_path=self.run_dir / "jaeger.log",
            pid_path=self.run_dir / "jaeger.pid",
            env={"GOMAXPROCS": os.environ.get("GOMAXPROCS", "2")},
        )
        with step(f"Starting Jaeger (OTLP {self.otlp_traces_endpoint}, query {self.url})"):
            process.start()
            process.wait_until(lambda: http_ok(f"{self.url}/api/services"), 60, "query API")

    def stop(self) -> None:
        by_pid_file("jaeger", self.run_dir).stop()


@dataclass
class Prometheus:
    """Prometheus scraping every service's metrics port, with deploy/prometheus/rules.yml."""

    port: int
    targets: dict[str, int]
    data_dir: Path
    run_dir: Path
    scrape_interval: str = "5s"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        """prometheus.yml from the template: one job per service, the alert rules loaded."""
        jobs = "".join(
            f"  - job_name: {service}\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n"
            for service, port in self.targets.items()
        )
        template = Template((PROMETHEUS_DIR / "prometheus.yml.template").read_text())
        return template.substitute(
            scrape_interval=self.scrape_interval, rules=RULES, scrape_configs=jobs
        )

    def start(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        if by_pid_file("prometheus", self.run_dir).pid() is not None:
            return
        binary, promtool = prometheus_tools()
        config = self.run_dir / "prometheus.yml"
        config.write_text(self.config())
        _run([promtool, "check", "config", str(config)], "promtool check config", attempts=1)
        process = ManagedProcess(
            name="prometheus",
            command=[
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={self.data_dir}",
                "--storage.tsdb.retention.time=2d",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            log_path=self.run_dir / "prometheus.log",
            pid_path=self.run_dir / "prometheus.pid",
        )
        with step(f"Starting Prometheus on {self.url}"):
            process.start()
            process.wait_until(lambda: http_ok(f"{self.url}/-/ready"), 60, "readiness")

    def stop(self) -> None:
        by_pid_file("prometheus", self.run_dir).stop()


def status(run_dir: Path, urls: dict[str, str]) -> dict[str, str]:
    """The observability processes that run (a stack without them reports nothing)."""
    report = {}
    for name, url in urls.items():
        pid = by_pid_file(name, run_dir).pid()
        if pid is not None:
            report[name] = f"running (pid {pid}) {url}"
    return report


def warn_missing(error: MissingToolError) -> None:
    say(f"{error}; the promtool tests skip (outside CI) and `--observability` will not start")
