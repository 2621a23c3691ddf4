"""`python -m devstack up|down|status|infra|prepare|demo` (what `make up/down/status/demo` call)."""

from __future__ import annotations

import argparse
import sys

from devstack.asyncapi_parser import asyncapi_validator
from devstack.demo import load_demo, print_welcome
from devstack.demo_client import DemoError
from devstack.infra import ferretdb_binary, kafka_libs
from devstack.processes import StartupError
from devstack.progress import say
from devstack.stack import default_stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status", "infra", "prepare", "demo"])
    args = parser.parse_args(argv)
    if args.command == "prepare":
        kafka_libs()
        ferretdb_binary()
        asyncapi_validator()
        return 0
    stack = default_stack()
    try:
        if args.command in ("up", "demo"):
            stack.up()
        if args.command == "demo":
            print_welcome(stack, load_demo(stack))
            return 0
        if args.command == "infra":
            stack.start_infra()
        elif args.command == "down":
            stack.down()
            say("stopped")
            return 0
    except StartupError as exc:
        say(f"start-up failed: {exc}")
        say(f"logs: {stack.run_dir}")
        return 1
    except DemoError as exc:
        say(f"demo load failed: {exc}")
        say(f"logs: {stack.run_dir}; `make demo` again resumes where it stopped")
        return 1
    width = max(len(name) for name in stack.status())
    for name, state in stack.status().items():
        print(f"  {name:<{width}}  {state}")
    if args.command == "up":
        gateway = stack.url("gateway")
        print(f"\nLumbung is up: gateway {gateway}  (API docs {gateway}/docs)")
        print(f"Logs and PIDs: {stack.run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
