"""The orders contract: what the document promises, and that the routes keep those promises.

The routes run on a bare app over an in-memory order (no store, no broker): the required
Idempotency-Key, the optional reason body, the typed payment body, all field errors at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from lumbung_orders.api import listing_snapshots, live, orders, payments
from lumbung_orders.api.checkout_gate import CheckoutGate
from lumbung_orders.domain.order import Order
from lumbung_orders.domain.pricing import ListingSnapshot, PlaceOrderRequest, price_order
from lumbung_orders.domain.stored_order import StoredOrder
from lumbung_orders.messaging.wire import OrderWire
from lumbung_orders.storage.orders import OrderRepository
from lumbung_orders.usecases.move_order import MoveOrder
from lumbung_orders.usecases.order_changes import OrderChanges
from lumbung_orders.usecases.place_order import PlacedOrders, PlaceOrder
from lumbung_orders.usecases.record_payment import RecordPayment
from lumbung_shared.events import Envelope
from lumbung_shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from lumbung_shared.web.problems import install_problem_handlers
from pydantic import SecretStr
from starlette.types import Receive, Scope, Send

SECRET = b"k" * 32
NOW = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
BUYER = Identity(subject="buyer-1", role=Role.BUYER)
SELLER = Identity(subject="farmer-1", role=Role.FARMER)
ADMIN = Identity(subject="admin-1", role=Role.ADMIN)
ANONYMOUS = Identity(subject="", role=Role.ANONYMOUS)
"""What the gateway signs for a caller without a token, e.g. a payment provider."""
CART = {
    "lines": [{"listing_id": "l-1", "quantity": 30}],
    "delivery": {"method": "pickup", "region_code": "63.08"},
    "payment_method": "bank_transfer",
}


def reserved_order() -> Order:
    request = PlaceOrderRequest.model_validate(CART)
    snapshot = ListingSnapshot(
        listing_id="l-1",
        seller_id=SELLER.subject,
        title="Bawang merah",
        kind="produce",
        unit="kg",
        price_per_unit=38000,
        status="active",
        origin_region="63.08",
        version=1,
    )
    [priced] = price_order(request, {"l-1": snapshot})
    order, _ = Order.place(
        order_id="o-1", buyer_id=BUYER.subject, priced=priced, request=request, at=NOW
    )
    order.on_stock_reserved(NOW)
    return order


class OneOrder:
    """The two calls `OrderChanges` makes, over one order kept in memory."""

    def __init__(self, order: Order) -> None:
        self.stored = StoredOrder(order, 1, NOW)

    async def get(self, order_id: str) -> StoredOrder | None:
        return self.stored if order_id == self.stored.order.order_id else None

    async def save(
        self, stored: StoredOrder, order: Order, events: Sequence[Envelope[Any]]
    ) -> StoredOrder | None:
        self.stored = StoredOrder(order, stored.version + 1, NOW)
        return self.stored


class CountedPlacement(PlaceOrder):
    """A placement that only counts the checkouts that reached it."""

    def __init__(self) -> None:  # no repositories: `place` is all the route calls
        self.keys: list[str] = []

    async def place(self, buyer_id: str, key: str, request: PlaceOrderRequest) -> PlacedOrders:
        self.keys.append(key)
        return PlacedOrders(202, {"orders": []}, replayed=False)


def orders_app() -> tuple[FastAPI, OneOrder, CountedPlacement]:
    app = FastAPI()
    app.state.internal_secret = SECRET
    app.state.identity_audience = "orders"
    app.state.settings = SimpleNamespace(payment_callback_secret=SecretStr(""))
    install_problem_handlers(app)
    for router in (listing_snapshots.router, orders.router, payments.router, live.router):
        app.include_router(router)
    store, placing = OneOrder(reserved_order()), CountedPlacement()
    changes = OrderChanges(cast(OrderRepository, store), OrderWire(producer="orders"))
    app.state.service = SimpleNamespace(
        place_order=placing,
        checkout_gate=CheckoutGate(limit=4, wait_seconds=0, budget_seconds=5),
        move_order=MoveOrder(changes),
        record_payment=RecordPayment(changes),
    )
    return app, store, placing


def http(app: FastAPI) -> httpx.AsyncClient:
    async def with_service(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"] = {"service": app.state.service}  # what the lifespan provides
        await app(scope, receive, send)

    return httpx.AsyncClient(transport=httpx.ASGITransport(with_service), base_url="http://o")


def signed(who: Identity, path: str) -> dict[str, str]:
    token = sign_identity(who, SECRET, audience="orders", method="POST", path=path)
    return {IDENTITY_HEADER: token, "Accept-Language": "en"}


def error_locations(response: httpx.Response) -> set[tuple[str | int, ...]]:
    return {tuple(error["loc"]) for error in response.json()["errors"]}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return orders_app()[0].openapi()


class TestTheDocument:
    def test_checkout_requires_an_idempotency_key_of_a_declared_format(
        self, document: dict[str, Any]
    ) -> None:
        [key] = document["paths"]["/v1/orders"]["post"]["parameters"]
        assert (key["name"], key["in"], key["required"]) == ("Idempotency-Key", "header", True)
        assert (
            key["schema"] | {"pattern": "^[!-~]+$", "minLength": 1, "maxLength": 255}
            == key["schema"]
        )

    def test_list_declares_its_page_size_and_cursor_format(self, document: dict[str, Any]) -> None:
        parameters = {
            p["name"]: p["schema"] for p in document["paths"]["/v1/orders"]["get"]["parameters"]
        }
        assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 100)
        [cursor, _] = parameters["cursor"]["anyOf"]
        assert (cursor["pattern"], cursor["maxLength"]) == ("^[A-Za-z0-9_-]+$", 512)
        assert parameters["state"]["anyOf"][0]["items"] == {
            "$ref": "#/components/schemas/OrderState"
        }

    def test_order_states_are_an_enum(self, document: dict[str, Any]) -> None:
        assert document["components"]["schemas"]["OrderState"]["enum"] == [
            "pending", "reserved", "rejected", "confirmed", "declined",
            "shipped", "delivered", "completed", "cancelled", "expired",
        ]  # fmt: skip

    @pytest.mark.parametrize(("move", "model"), [("decline", "Reason"), ("cancel", "Reason"),
                                                  ("payment", "PaymentDetails"),
                                                  ("refund", "PaymentDetails")])  # fmt: skip
    def test_optional_bodies_are_one_named_model(
        self, document: dict[str, Any], move: str, model: str
    ) -> None:
        body = document["paths"][f"/v1/orders/{{order_id}}/{move}"]["post"]["requestBody"]
        assert body.get("required", False) is False
        assert body["content"]["application/json"]["schema"]["$ref"] == (
            f"#/components/schemas/{model}"
        )
        assert document["components"]["schemas"][model]["examples"]

    @pytest.mark.parametrize(
        ("method", "path", "statuses"),
        [
            ("post", "/v1/orders", {"202", "400", "401", "403", "422", "429"}),
            ("get", "/v1/orders", {"200", "401", "403", "422"}),
            ("get", "/v1/orders/{order_id}", {"200", "401", "403", "404", "422"}),
            ("post", "/v1/orders/{order_id}/confirm", {"200", "401", "403", "404", "409", "422"}),
            ("post", "/v1/orders/{order_id}/cancel",
             {"200", "400", "401", "403", "404", "409", "422"}),
            ("post", "/v1/orders/{order_id}/payment",
             {"200", "400", "401", "403", "404", "409", "413", "422"}),
            ("get", "/v1/orders/listing-snapshots/{listing_id}", {"200", "404", "422"}),
        ],
    )  # fmt: skip
    def test_each_route_declares_the_statuses_it_answers(
        self, document: dict[str, Any], method: str, path: str, statuses: set[str]
    ) -> None:
        assert set(document["paths"][path][method]["responses"]) == statuses

    def test_every_error_answer_is_a_problem_document(self, document: dict[str, Any]) -> None:
        for path, operations in document["paths"].items():
            for operation in operations.values():
                for status, answer in operation["responses"].items():
                    if status.startswith(("4", "5")):
                        assert set(answer["content"]) == {"application/problem+json"}, path


class TestCheckoutKey:
    async def test_a_checkout_without_a_key_is_refused_before_it_is_placed(self) -> None:
        app, _, placing = orders_app()
        async with http(app) as client:
            answer = await client.post("/v1/orders", json=CART, headers=signed(BUYER, "/v1/orders"))
        assert answer.status_code == 422
        assert error_locations(answer) == {("header", "Idempotency-Key")}
        assert placing.keys == []

    async def test_a_key_outside_the_format_is_named_with_the_bodys_own_errors(self) -> None:
        app, _, placing = orders_app()
        headers = signed(BUYER, "/v1/orders") | {"Idempotency-Key": "two words"}
        bad_cart = CART | {"payment_method": "cash", "lines": []}
        async with http(app) as client:
            answer = await client.post("/v1/orders", json=bad_cart, headers=headers)
        assert answer.status_code == 422
        assert error_locations(answer) == {
            ("header", "Idempotency-Key"),
            ("body", "lines"),
            ("body", "payment_method"),
        }
        assert placing.keys == []

    async def test_a_uuid_key_reaches_the_placement(self) -> None:
        app, _, placing = orders_app()
        key = "6f1c2e9a-0b7d-4c1e-9f3a-2d8b5e7c1a40"
        headers = signed(BUYER, "/v1/orders") | {"Idempotency-Key": key}
        async with http(app) as client:
            answer = await client.post("/v1/orders", json=CART, headers=headers)
        assert answer.status_code == 202
        assert placing.keys == [key]


class TestReasonBody:
    async def test_a_decline_may_send_no_body_at_all(self) -> None:
        app, store, _ = orders_app()
        path = "/v1/orders/o-1/decline"
        async with http(app) as client:
            answer = await client.post(path, headers=signed(SELLER, path))
        assert answer.status_code == 200
        assert answer.json()["state"] == "declined"
        assert store.stored.order.timeline[-1].reason is None

    async def test_a_reason_sent_reaches_the_timeline(self) -> None:
        app, store, _ = orders_app()
        path = "/v1/orders/o-1/cancel"
        async with http(app) as client:
            answer = await client.post(
                path, json={"reason": "Salah pesan"}, headers=signed(BUYER, path)
            )
        assert answer.status_code == 200
        assert store.stored.order.timeline[-1].reason == "Salah pesan"

    async def test_an_unknown_field_or_a_long_reason_is_422_and_nothing_moves(self) -> None:
        app, store, _ = orders_app()
        path = "/v1/orders/o-1/cancel"
        body = {"reason": "x" * 301, "refund_to": "OVO"}
        async with http(app) as client:
            answer = await client.post(path, json=body, headers=signed(BUYER, path))
        assert answer.status_code == 422
        assert error_locations(answer) == {("body", "reason"), ("body", "refund_to")}
        assert store.stored.version == 1


class TestPaymentBody:
    async def test_an_admins_body_is_validated_with_every_error_at_once(self) -> None:
        app, store, _ = orders_app()
        path = "/v1/orders/o-1/payment"
        body = {"amount": -1, "reference": "r" * 129, "order_id": ""}
        async with http(app) as client:
            answer = await client.post(path, json=body, headers=signed(ADMIN, path))
        assert answer.status_code == 422
        assert error_locations(answer) == {
            ("body", "amount"),
            ("body", "reference"),
            ("body", "order_id"),
        }
        assert store.stored.order.payment_status == "unpaid"

    async def test_an_admin_may_confirm_with_a_reference_only(self) -> None:
        app, _, _ = orders_app()
        path = "/v1/orders/o-1/payment"
        async with http(app) as client:
            answer = await client.post(
                path, json={"reference": "BRI 0412"}, headers=signed(ADMIN, path)
            )
        assert answer.status_code == 200
        assert answer.json()["payment_status"] == "paid"

    async def test_an_unsigned_caller_learns_nothing_about_its_body(self) -> None:
        app, _, _ = orders_app()
        path = "/v1/orders/o-1/payment"
        async with http(app) as client:
            answer = await client.post(path, json={"amount": -1}, headers=signed(ANONYMOUS, path))
        assert answer.status_code == 403
