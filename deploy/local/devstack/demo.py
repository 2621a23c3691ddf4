"""`make demo`: the stack up (as `make up`) and a demo marketplace in it, loaded once.

The load goes through the gateway's public API only; the one thing that does not is the first
admin, which the gateway creates at start-up from the devstack's secrets file
(`GATEWAY_BOOTSTRAP_ADMIN_*`). The logins are kept in `demo.json` beside that file (mode
0600): passwords are written before the first account is made, so an interrupted load resumes
with the same ones, and the agency's API key, which the gateway shows only once, is kept there
for the next printout and for the README walkthrough.

Rate limits are not loosened: the demo stays inside the gateway's default limits (24 sign-ins
and 22 sign-ups, under the 30 each an address may make at once; a few orders per buyer, under
the 10 an account may place at once) and waits out any 429 it still meets.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from pathlib import Path
from typing import Any

from devstack import demo_data as data
from devstack.demo_client import Gateway
from devstack.demo_load import Loaded, load
from devstack.progress import say, step
from devstack.stack import Stack

STATE_FILE = "demo.json"
ROLES = ("farmer", "fisher", "buyer", "agency")


def state_path(stack: Stack) -> Path:
    """Where a stack's demo logins live: with its data, so wiping the data forgets them."""
    return stack.data_dir / STATE_FILE


def _write(path: Path, state: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(json.dumps(state, indent=2) + "\n")


def _logins(stack: Stack, passwords: dict[str, str]) -> dict[str, Any]:
    """Phone numbers and password of every role (one password per role: easy to try out)."""
    by_role: dict[str, list[str]] = {role: [] for role in ROLES}
    for person in data.people():
        by_role[person.role].append(person.phone)
    by_role["agency"].append(data.AGENCY.phone)
    logins = {role: {"phones": by_role[role], "password": passwords[role]} for role in ROLES}
    admin = {"phones": [stack.secrets.bootstrap_admin_phone]}
    return {"admin": admin | {"password": stack.secrets.bootstrap_admin_password}, **logins}


def load_demo(stack: Stack) -> dict[str, Any]:
    """Load the demo into a running stack unless it is loaded; the saved state either way."""
    path = state_path(stack)
    state: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if state.get("loaded"):
        say("the demo marketplace is already loaded")
        return state
    # One password per role, made once (12 random URL-safe characters: zxcvbn scores them 4).
    passwords = state.get("passwords") or {role: secrets.token_urlsafe(9) for role in ROLES}
    state = {"gateway": stack.url("gateway"), "passwords": passwords}
    _write(path, state)
    admin = (stack.secrets.bootstrap_admin_phone, stack.secrets.bootstrap_admin_password)
    started = time.monotonic()
    with step("Loading the demo marketplace through the gateway"):
        loaded = asyncio.run(_load(stack.url("gateway"), passwords, admin))
    state |= {
        "loaded": True,
        "seconds": round(time.monotonic() - started, 1),
        "logins": _logins(stack, passwords),
        "agency_api_key": loaded.agency_key,
        "alert_id": loaded.alert_id,
        "counts": {
            "accounts": dict(loaded.accounts),
            "listings": loaded.listings,
            "photos": loaded.photos,
            "orders": dict(loaded.orders),
        },
    }
    _write(path, state)
    return state


async def _load(gateway: str, passwords: dict[str, str], admin: tuple[str, str]) -> Loaded:
    async with Gateway(gateway) as gw:
        loaded = await load(gw, passwords, admin, say)
        say(f"{gw.requests} requests, {gw.throttled} waited out (429/503 Retry-After)")
        return loaded


def print_welcome(stack: Stack, state: dict[str, Any]) -> None:
    """The URLs and logins, as a newcomer needs them."""
    gateway = stack.url("gateway")
    counts = state["counts"]
    print(f"\nLumbung demo marketplace on {gateway}")
    print(
        f"  {counts['listings']} listings ({counts['photos']} photos), "
        f"{sum(counts['orders'].values())} orders {counts['orders']}, 1 sea alert"
    )
    print(f"  API reference     {gateway}/docs")
    print(f"  event reference   {gateway}/docs/events   (AsyncAPI: {gateway}/v1/asyncapi)")
    print(f"  listings          {gateway}/v1/listings?region=51")
    print(f"  sea alerts        {gateway}/v1/alerts?active=true")
    cap = f"curl -H 'Accept: application/cap+xml' {gateway}/v1/alerts/{state['alert_id']}"
    print(f"  alert as CAP XML  {cap}")
    print("\nLogins (POST /v1/auth/login with phone and password; every account of a role")
    print("shares its role's password):")
    for role, login in state["logins"].items():
        phones = login["phones"]
        shown = phones[0] if len(phones) == 1 else f"{phones[0]} … {phones[-1]} ({len(phones)})"
        print(f"  {role:<7} {shown:<42} {login['password']}")
    print(f"  agency API key (X-API-Key, regencies {', '.join(data.AGENCY_REGIONS)}):")
    print(f"          {state['agency_api_key']}")
    print(f"\nSaved in {state_path(stack)} (the README walkthrough reads it).")
