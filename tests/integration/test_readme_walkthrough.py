"""The first ten minutes, as the README tells them: `make demo`, then the four flows by hand.

On a private stack: the demo loader (what `make demo` runs after `make up`) fills the
marketplace, the API shows what it promised, a second run changes nothing, and every
```` ```bash walkthrough ```` block of the README runs as written with bash against that stack.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack import demo_data as data
from devstack.demo import load_demo, state_path
from devstack.demo_client import bearer
from devstack.paths import REPO_ROOT
from devstack.stack import Stack

from tests.support.stacks import private_stack

pytestmark = pytest.mark.timeout(600)
"""Stack and demo take about 1.5 minutes on a quiet machine; far longer when the two cores are
shared with other stacks (the demo's 204 photos cost listings' store most of it)."""
WALKTHROUGH = re.compile(r"^```bash walkthrough\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXPECTED_ORDERS = {state: count for state, (count, _, _) in data.ORDER_OUTCOMES.items()}


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with private_stack(tmp_path_factory, "demo") as stack:
        yield stack


@pytest.fixture(scope="module")
def demo(demo_stack: Stack) -> dict[str, Any]:
    """The demo, loaded once for the module."""
    return load_demo(demo_stack)


def admin_headers(client: httpx.Client, stack: Stack) -> dict[str, str]:
    secrets = stack.secrets
    login = {"phone": secrets.bootstrap_admin_phone, "password": secrets.bootstrap_admin_password}
    response = client.post("/v1/auth/login", json=login)
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def count_listings(client: httpx.Client) -> int:
    seen, params = 0, {"limit": "100"}
    while True:
        page = client.get("/v1/listings", params=params).json()
        seen += len(page["items"])
        if not page["next_cursor"]:
            return seen
        params["cursor"] = page["next_cursor"]


class TestDemoMarketplace:
    def test_it_reports_every_role_listings_with_photos_orders_and_one_alert(
        self, demo: dict[str, Any]
    ) -> None:
        counts = demo["counts"]

        assert counts["accounts"] == {"admin": 1, "farmer": 8, "fisher": 6, "buyer": 8, "agency": 1}
        assert (counts["listings"], counts["photos"]) == (204, 204)
        assert counts["orders"] == EXPECTED_ORDERS
        assert demo["agency_api_key"]

    def test_the_api_shows_what_it_loaded(self, demo_stack: Stack, demo: dict[str, Any]) -> None:
        with httpx.Client(base_url=demo_stack.url("gateway"), timeout=30) as client:
            admin = admin_headers(client, demo_stack)
            orders = {
                state: len(
                    client.get(
                        "/v1/orders", params={"state": state, "limit": 100}, headers=admin
                    ).json()["items"]
                )
                for state in EXPECTED_ORDERS
            }
            alerts = client.get("/v1/alerts", params={"active": "true"}).json()["items"]

            assert count_listings(client) == 204
            assert orders == EXPECTED_ORDERS
            assert [(a["id"], a["zone_id"]) for a in alerts] == [
                (demo["alert_id"], data.ALERT_ZONE)
            ]
            assert alerts[0]["vessel_risks"]["fishing_boat"] == "danger"

    def test_the_logins_it_prints_sign_in(self, demo_stack: Stack, demo: dict[str, Any]) -> None:
        with httpx.Client(base_url=demo_stack.url("gateway"), timeout=30) as client:
            fisher = demo["logins"]["fisher"]
            login = {"phone": fisher["phones"][0], "password": fisher["password"]}
            signed_in = client.post("/v1/auth/login", json=login)
            agency = client.get("/v1/auth/me", headers={"X-API-Key": demo["agency_api_key"]})

        assert signed_in.json()["account"]["role"] == "fisher"
        assert agency.json()["role"] == "agency"

    def test_a_second_run_says_it_is_loaded_and_keeps_the_logins(
        self, demo_stack: Stack, demo: dict[str, Any], capsys: pytest.CaptureFixture[str]
    ) -> None:
        again = load_demo(demo_stack)

        assert again == demo
        assert "already loaded" in capsys.readouterr().err
        assert state_path(demo_stack).stat().st_mode & 0o777 == 0o600


class TestReadmeWalkthrough:
    def test_every_walkthrough_block_runs_as_written(
        self, demo_stack: Stack, demo: dict[str, Any], tmp_path: Path
    ) -> None:
        del demo  # loaded first: the walkthrough signs in with the demo's logins
        blocks = WALKTHROUGH.findall((REPO_ROOT / "README.md").read_text())
        assert len(blocks) == 5  # setup, list, order, fulfil, sea alert
        script = "set -eu\n" + "\n".join(blocks)
        env = {
            **os.environ,
            "LUMBUNG": demo_stack.url("gateway"),
            "LUMBUNG_DEMO": str(state_path(demo_stack)),
        }

        done = subprocess.run(  # noqa: S603 - the README's own blocks, run as its reader would
            ["bash", "-c", script],  # noqa: S607 - bash from PATH, as the README's reader has it
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        printed = done.stdout.splitlines()
        assert "listed: True" in printed
        assert any(line.startswith("order ") and line.endswith(": reserved") for line in printed)
        assert printed.count("the buyer sees: delivered") == 1
        assert "<severity>Severe</severity>" in printed
        assert "event: sea_alert.issued" in printed
        assert printed[-2:] == ["danger", "cancelled"]
