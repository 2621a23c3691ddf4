"""A client generated from the merged contract runs the marketplace's flows on the real stack.

The mobile team generates its code from the gateway's `/openapi.json`; this test does the same
with an off-the-shelf generator (openapi-python-client) and then uses only that client, no
hand-written HTTP: sign up a farmer and a buyer, list shallots with a photo, order them with an
Idempotency-Key, follow the order to `reserved` and through confirm, ship and deliver, then
report rough seas and read the alert as CAP XML (from the one operation answering only CAP).
The admin is the stack's (registration cannot make one), signed in with a token as in every
other test.

Operations are found by method and path in the document (module names come from operation ids,
bodies from the generated signatures), so renaming an operation id or a schema breaks nothing
here; removing or mistyping a body does, which is the point.
"""

from __future__ import annotations

import importlib
import io
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, get_type_hints
from uuid import uuid4

import httpx
import pytest
from devstack.stack import Stack
from openapi_python_client import strings
from PIL import Image

from tests.support.clients import token_for
from tests.support.polling import eventually

PACKAGE = "lumbung_generated_client"
PASSWORD = "kopi-gayo-2025"
CAP_XML = "application/cap+xml"
BINARY_MEDIA = (CAP_XML, "application/atom+xml", "image/jpeg", "image/png", "image/webp")


class Contract:
    """The generated package, and its operations looked up as the document names them."""

    def __init__(self, package: ModuleType, document: dict[str, Any], base_url: str) -> None:
        self.package = package
        self.document = document
        self.base_url = base_url

    def operation(self, method: str, path: str) -> Any:
        declared = self.document["paths"][path][method]
        tag = strings.PythonIdentifier(value=(declared.get("tags") or ["default"])[0], prefix="tag")
        name = strings.PythonIdentifier(value=declared["operationId"], prefix="")
        return importlib.import_module(f"{self.package.__name__}.api.{tag}.{name}")

    def body(self, method: str, path: str, **fields: Any) -> Any:
        """The generated body model of an operation, built from its documented JSON fields."""
        model = get_type_hints(self.operation(method, path).asyncio_detailed)["body"]
        assert hasattr(model, "from_dict"), f"{method} {path}: the document gives no body model"
        return model.from_dict(fields)

    def cap_operation(self) -> tuple[str, str]:
        """The one read of an alert answering only CAP XML, and its path parameter's name.

        A generator gives each status one parsed type: where a 200 is JSON or CAP by `Accept`,
        the generated code parses it as JSON, so reading CAP needs an operation of its own.
        """
        found = [
            path
            for path, item in self.document["paths"].items()
            if path.startswith("/v1/alerts/{")
            and set(item.get("get", {}).get("responses", {}).get("200", {}).get("content", {}))
            == {CAP_XML}
        ]
        assert len(found) == 1, f"no CAP-only alert operation: {found}"
        [parameter] = re.findall(r"{(\w+)}", found[0])
        return found[0], parameter

    async def call(self, client: Any, method: str, path: str, **arguments: Any) -> Any:
        response = await self.operation(method, path).asyncio_detailed(client=client, **arguments)
        assert 200 <= response.status_code < 300, (method, path, response.content[:500])
        return response

    def anonymous(self) -> Any:
        return self.package.Client(base_url=self.base_url, raise_on_unexpected_status=True)

    def signed_in(self, token: str) -> Any:
        return self.package.AuthenticatedClient(
            base_url=self.base_url, token=token, raise_on_unexpected_status=True
        )


@pytest.fixture(scope="module")
def contract(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Contract]:
    """A client generated from the stack gateway's merged document, imported from a tmp dir."""
    home = tmp_path_factory.mktemp("generated-client")
    published = httpx.get(f"{stack.url('gateway')}/openapi.json", timeout=30)  # the input
    spec = home / "openapi.json"
    spec.write_bytes(published.content)
    generator = Path(sys.executable).parent / "openapi-python-client"
    config = home / "generator.yaml"  # it parses JSON; these bodies are read as bytes
    config.write_text(
        "content_type_overrides:\n"
        + "".join(f"  {media}: application/octet-stream\n" for media in BINARY_MEDIA)
    )
    arguments = ["generate", "--path", str(spec), "--output-path", str(home / PACKAGE)]
    arguments += ["--config", str(config)]
    generated = subprocess.run(  # noqa: S603 (the generator from the venv, fixed arguments)
        [str(generator), *arguments, "--meta", "none"],
        capture_output=True,
        text=True,
        check=False,
        cwd=home,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(home))
    try:
        package = importlib.import_module(PACKAGE)
        yield Contract(package, published.json(), stack.url("gateway"))
    finally:
        sys.path.remove(str(home))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


async def signed_up(contract: Contract, role: str, name: str) -> tuple[str, Any]:
    """A new account of `role` signed in: its id and a client carrying its access token."""
    phone = f"0812{uuid4().int % 10**8:08d}"
    account = await contract.call(
        contract.anonymous(),
        "post",
        "/v1/auth/register",
        body=contract.body(
            "post",
            "/v1/auth/register",
            phone=phone,
            password=PASSWORD,
            display_name=name,
            role=role,
            home_region="63.08",
        ),
    )
    tokens = await contract.call(
        contract.anonymous(),
        "post",
        "/v1/auth/login",
        body=contract.body("post", "/v1/auth/login", phone=phone, password=PASSWORD),
    )
    return account.parsed.id, contract.signed_in(tokens.parsed.access_token)


def shallot_photo() -> Any:
    """A small JPEG, as the phone's camera would send it (re-encoded by listings)."""
    from lumbung_generated_client.types import File  # noqa: PLC0415 -- exists once generated

    jpeg = io.BytesIO()
    Image.new("RGB", (64, 48), (170, 60, 80)).save(jpeg, "JPEG")
    jpeg.seek(0)
    return File(payload=jpeg, file_name="bawang-merah.jpg", mime_type="image/jpeg")


class TestGeneratedClient:
    async def test_lists_orders_fulfils_and_reads_an_alert_as_cap(
        self, stack: Stack, contract: Contract
    ) -> None:
        _, farmer = await signed_up(contract, "farmer", "Pak Darmo")
        buyer_id, buyer = await signed_up(contract, "buyer", "Warung Bu Sri")
        admin = contract.signed_in(token_for(stack, "admin"))

        commodities = await contract.call(farmer, "get", "/v1/catalogue/commodities")
        assert "bawang-merah" in {commodity.id for commodity in commodities.parsed.items}
        listing = await contract.call(
            farmer,
            "post",
            "/v1/listings",
            body=contract.body(
                "post",
                "/v1/listings",
                kind="produce",
                commodity="bawang-merah",
                title="Bawang merah Amuntai",
                unit="kg",
                price_per_unit=32000,
                quantity_available=100,
                min_order=1,
                origin_region="63.08",
            ),
        )
        listing_id = listing.parsed.id
        upload = contract.operation("post", "/v1/listings/{listing_id}/photos")
        photo_body = get_type_hints(upload.asyncio_detailed)["body"](photo=shallot_photo())
        with_photo = await contract.call(
            farmer, "post", "/v1/listings/{listing_id}/photos", listing_id=listing_id,
            body=photo_body,
        )  # fmt: skip
        assert len(with_photo.parsed.photos) == 1

        cart = contract.body(
            "post",
            "/v1/orders",
            lines=[{"listing_id": listing_id, "quantity": 30, "unit_price": 32000}],
            delivery={"method": "courier", "region_code": "63.08", "address": "Jl. Pasar 1"},
            payment_method="cod",
        )
        key = str(uuid4())
        placed = await contract.call(buyer, "post", "/v1/orders", body=cart, idempotency_key=key)
        retried = await contract.call(buyer, "post", "/v1/orders", body=cart, idempotency_key=key)
        [order] = placed.parsed.orders
        assert [o.id for o in retried.parsed.orders] == [order.id]
        assert order.buyer_id == buyer_id

        async def reserved() -> Any:
            seen = await contract.call(buyer, "get", "/v1/orders/{order_id}", order_id=order.id)
            return seen.parsed if seen.parsed.state == "reserved" else None

        assert (await eventually(reserved)).total == 30 * 32000
        for party, move in ((farmer, "confirm"), (farmer, "ship"), (buyer, "deliver")):
            moved = await contract.call(
                party, "post", f"/v1/orders/{{order_id}}/{move}", order_id=order.id
            )
        assert moved.parsed.payment_status == "paid"

        await self._rough_seas_read_as_cap(contract, admin)

    async def _rough_seas_read_as_cap(self, contract: Contract, admin: Any) -> None:
        zones = await contract.call(admin, "get", "/v1/zones")
        zone = zones.parsed[0]
        now = datetime.now(UTC)
        report = contract.body(
            "post",
            "/v1/observations",
            zone_id=zone.id,
            valid_from=(now - timedelta(hours=1)).isoformat(),
            valid_to=(now + timedelta(hours=24)).isoformat(),
            significant_wave_m=2.8,
            max_wave_m=3.6,
            wind_speed_knots=18.0,
            wind_direction_deg=120.0,
            source="uji-klien",
        )
        ingested = await contract.call(admin, "post", "/v1/observations", body=report)
        alert_id = ingested.parsed.alert.id

        path, parameter = contract.cap_operation()
        cap = await contract.call(admin, "get", path, **{parameter: alert_id})
        assert cap.headers["content-type"].startswith(CAP_XML)
        assert b"urn:oasis:names:tc:emergency:cap:1.2" in cap.parsed
        assert b"<event>" in cap.parsed
