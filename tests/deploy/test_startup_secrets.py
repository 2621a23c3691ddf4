"""Each service process exits non-zero at start-up with the keys the deploy files ship.

The real process is started as devstack and the images start it (`uvicorn <pkg>.main:create_app
--factory`), with the environment docker-compose.yml builds from .env.example and the one the
Kubernetes Deployments build from deploy/k8s/secret.yaml: as the files are now (empty keys) and
as they were shipped before (placeholders, kept in the denylist). Kafka and Mongo point at a
closed loopback port, so a service that got past its settings would wait for them and hit the
timeout instead of exiting: the exit proves the settings check comes first and needs neither.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from devstack.processes import free_port
from devstack.stack import SERVICES
from lumbung_shared.secrets import GENERATE_HINT, generate_secret

from tests.deploy.test_compose import dotenv_example, interpolate
from tests.deploy.test_kubernetes import DEPLOYMENTS, container_of, resolve_env, secret_template

ROOT = Path(__file__).resolve().parents[2]
EXIT_WITHIN_SECONDS = 60
NOWHERE = "127.0.0.1:9"  # the discard port: nothing listens there on these machines

# The files as they were shipped before issue 10 (their values are in KNOWN_EXAMPLES).
OLD_ENV_EXAMPLE = {
    "LUMBUNG_INTERNAL_SECRET": "change-me-to-a-random-secret-of-32-chars-or-more",
    "LUMBUNG_JWT_KEYS": "k1:change-me-to-another-random-secret-32-chars-or-more",
    "LUMBUNG_TOPIC_PARTITIONS": "6",
}
OLD_K8S_SECRET = {
    "INTERNAL_SECRET": "replace-with-a-random-secret-of-at-least-32-characters",
    "JWT_KEYS": "k1:replace-with-another-random-secret-of-32-characters",
}


def compose_env(service: str, variables: dict[str, str]) -> dict[str, str]:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"][service]["environment"]
    return {key: interpolate(value, variables) for key, value in environment.items()}


def k8s_env(service: str, secret: dict[str, str]) -> dict[str, str]:
    deployment = next(name for name, svc in DEPLOYMENTS.items() if svc == service)
    return resolve_env(container_of(deployment), secret)


def start(service: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """The service process exactly as devstack starts it, with only `env` as its settings."""
    spec = next(s for s in SERVICES if s.name == service)
    base = {k: v for k, v in os.environ.items() if not k.startswith(spec.env_prefix)}
    infra = {f"{spec.env_prefix}KAFKA_BOOTSTRAP_SERVERS": NOWHERE}
    infra[f"{spec.env_prefix}MONGO_URL"] = f"mongodb://{NOWHERE}/?serverSelectionTimeoutMS=500"
    command = [sys.executable, "-m", "uvicorn", f"{spec.package}.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(free_port())]
    return subprocess.Popen(  # noqa: S603 (this interpreter running our own service)
        command,
        env={**base, **env, **infra},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def outcome(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, stderr = process.communicate(timeout=EXIT_WITHIN_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"still running after {EXIT_WITHIN_SECONDS} s: it accepted its settings")
    return process.returncode, stderr


SOURCES: dict[str, dict[str, dict[str, str]]] = {
    ".env.example": {s.name: compose_env(s.name, dotenv_example()) for s in SERVICES},
    ".env.example as shipped before": {
        s.name: compose_env(s.name, OLD_ENV_EXAMPLE) for s in SERVICES
    },
    "deploy/k8s/secret.yaml": {s.name: k8s_env(s.name, secret_template()) for s in SERVICES},
    "deploy/k8s/secret.yaml as shipped before": {
        s.name: k8s_env(s.name, OLD_K8S_SECRET) for s in SERVICES
    },
}


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_service_refuses_the_shipped_keys(source: str) -> None:
    """All four start at once (the machine is shared: one wait, not four)."""
    envs = SOURCES[source]
    processes = {service: start(service, env) for service, env in envs.items()}
    for service, process in processes.items():
        code, stderr = outcome(process)
        prefix = next(s.env_prefix for s in SERVICES if s.name == service)
        assert code != 0, f"{service} started with {source}"
        assert f"{service} cannot start, fix these settings:" in stderr, stderr
        assert f"  {prefix}INTERNAL_SECRET: " in stderr, stderr
        if service == "gateway":
            assert "  GATEWAY_JWT_KEYS: " in stderr, stderr
        assert GENERATE_HINT in stderr
        assert "Traceback" not in stderr, stderr
        for value in envs[service].values():
            if "secret" in value or "change-me" in value:
                assert value not in stderr, "a refused key must not be printed"


def test_orders_refuses_the_old_test_stack_payment_key() -> None:
    """A strong identity key and the payment key the test stack once used: only it is named."""
    env = {
        "ORDERS_INTERNAL_SECRET": generate_secret(),
        "ORDERS_PAYMENT_CALLBACK_SECRET": "test-payment-provider-secret-0123456789",
    }
    code, stderr = outcome(start("orders", env))
    assert code != 0
    assert "  ORDERS_PAYMENT_CALLBACK_SECRET: is an example value published" in stderr, stderr
    assert "ORDERS_INTERNAL_SECRET" not in stderr
