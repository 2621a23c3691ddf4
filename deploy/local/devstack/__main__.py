"""`python -m devstack up|down|status|infra|prepare|demo` (what `make up/down/status/demo` call).

`up --observability` (`make up OBSERVABILITY=1`) also runs Jaeger and Prometheus;
`prometheus-rule` rewrites deploy/k8s/monitoring/prometheus-rule.yaml from the alert rules.
"""

from __future__ import annotations

import argparse
import sys

from devstack.asyncapi_parser import asyncapi_validator
from devstack.demo import load_demo, print_welcome
from devstack.demo_client import DemoError
from devstack.infra import ferretdb_binary, kafka_libs
from devstack.observability import (
    PROMETHEUS_RULE,
    MissingToolError,
    jaeger_binary,
    prometheus_rule,
    prometheus_tools,
    warn_missing,
)
from devstack.processes import StartupError
from devstack.progress import say
from devstack.stack import Stack, default_stack


def prepare() -> None:
    """Everything `make test` needs, fetched or built once into the cache."""
    kafka_libs()
    ferretdb_binary()
    jaeger_binary()  # the test session's stack runs Jaeger
    asyncapi_validator()
    try:
        prometheus_tools()
    except MissingToolError as exc:  # only the promtool tests and the profile need it
        warn_missing(exc)


def run(command: str, stack: Stack) -> bool:
    """Carry out a stack command; False when it stopped with an error already reported."""
    try:
        if command in ("up", "demo"):
            stack.up()
        if command == "demo":
            print_welcome(stack, load_demo(stack))
        elif command == "infra":
            stack.start_infra()
        elif command == "down":
            stack.down()
            say("stopped")
    except StartupError as exc:
        say(f"start-up failed: {exc}")
        say(f"logs: {stack.run_dir}")
        return False
    except MissingToolError as exc:
        say(str(exc))
        return False
    except DemoError as exc:
        say(f"demo load failed: {exc}")
        say(f"logs: {stack.run_dir}; `make demo` again resumes where it stopped")
        return False
    return True


def print_status(stack: Stack, command: str) -> None:
    width = max(len(name) for name in stack.status())
    for name, state in stack.status().items():
        print(f"  {name:<{width}}  {state}")
    if command != "up":
        return
    gateway = stack.url("gateway")
    print(f"\nLumbung is up: gateway {gateway}  (API docs {gateway}/docs)")
    if stack.tracing:
        jaeger = stack.jaeger_url
        print(f"Traces: Jaeger {jaeger}  (API {jaeger}/api/traces?service=gateway)")
    if stack.prometheus:
        prometheus = stack.prometheus_url
        print(f"Metrics: Prometheus {prometheus}  (alerts {prometheus}/alerts)")
    print(f"Logs and PIDs: {stack.run_dir}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__)
    commands = ["up", "down", "status", "infra", "prepare", "demo", "prometheus-rule"]
    parser.add_argument("command", choices=commands)
    parser.add_argument(
        "--observability", action="store_true", help="also run Jaeger and Prometheus (up, demo)"
    )
    args = parser.parse_args(argv)
    if args.command == "prepare":
        prepare()
        return 0
    if args.command == "prometheus-rule":
        PROMETHEUS_RULE.write_text(prometheus_rule())
        say(f"wrote {PROMETHEUS_RULE}")
        return 0
    stack = default_stack(observability=args.observability)
    if not run(args.command, stack):
        return 1
    if args.command not in ("demo", "down"):
        print_status(stack, args.command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
