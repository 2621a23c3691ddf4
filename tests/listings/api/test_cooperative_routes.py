"""The cooperative routes' HTTP contract: who may call them, what bodies they take, the document.

Use cases are never called when a role or a body is refused, so the state holds unwired ones.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from lumbung_listings.api import cooperatives, member_listings
from lumbung_listings.main import create_app
from lumbung_listings.settings import ListingsSettings
from lumbung_listings.usecases.cooperatives import Cooperatives
from lumbung_listings.usecases.member_listings import MemberListings
from lumbung_shared.identity import Role
from lumbung_shared.web.identity import caller
from lumbung_shared.web.problems import install_problem_handlers
from starlette.types import Receive, Scope, Send

from tests.listings.api.bare_app import AUDIENCE, SECRET, _claimed_caller, as_caller

PROFILE = {
    "name": "Koperasi Tani",
    "type": "koperasi",
    "home_regency": "63.08",
    "fee_basis_points": 500,
}


class Unwired:
    """Use cases of the right types, without stores: a test calling one fails loudly."""

    def __init__(self) -> None:
        self.cooperatives = Cooperatives.__new__(Cooperatives)
        self.member_listings = MemberListings.__new__(MemberListings)


def client() -> httpx.AsyncClient:
    app = FastAPI()
    app.state.internal_secret = SECRET
    app.state.identity_audience = AUDIENCE
    install_problem_handlers(app)
    app.dependency_overrides[caller] = _claimed_caller
    app.include_router(cooperatives.router)
    app.include_router(member_listings.router)

    async def with_service(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"] = {"service": Unwired()}
        await app(scope, receive, send)

    return httpx.AsyncClient(transport=httpx.ASGITransport(with_service), base_url="http://l")


class TestRoles:
    @pytest.mark.parametrize("role", [Role.FARMER, Role.BUYER, Role.ADMIN])
    async def test_only_an_aggregator_declares_a_cooperative(self, role: Role) -> None:
        async with client() as http:
            answer = await http.put(
                "/v1/cooperatives/me",
                json=PROFILE,
                headers=as_caller("PUT", "/v1/cooperatives/me", role),
            )
        assert answer.status_code == 403

    @pytest.mark.parametrize("role", [Role.AGGREGATOR, Role.BUYER])
    async def test_only_farmers_and_fishers_join(self, role: Role) -> None:
        path = "/v1/cooperatives/memberships"
        async with client() as http:
            answer = await http.post(
                path, json={"code": "K7QH2MZP9R"}, headers=as_caller("POST", path, role)
            )
        assert answer.status_code == 403


class TestBodies:
    @pytest.mark.parametrize(
        "body",
        [
            {**PROFILE, "fee_basis_points": 5001},
            {**PROFILE, "type": "perusahaan"},
            {**PROFILE, "seller_id": "someone-else"},
        ],
    )
    async def test_a_profile_out_of_bounds_is_refused(self, body: dict[str, Any]) -> None:
        path = "/v1/cooperatives/me"
        async with client() as http:
            answer = await http.put(
                path, json=body, headers=as_caller("PUT", path, Role.AGGREGATOR)
            )
        assert answer.status_code == 422

    async def test_a_code_has_the_codes_shape(self) -> None:
        path = "/v1/cooperatives/memberships"
        async with client() as http:
            answer = await http.post(
                path, json={"code": "short"}, headers=as_caller("POST", path, Role.FARMER)
            )
        assert answer.status_code == 422


class TestDocument:
    @pytest.fixture(scope="class")
    @classmethod
    def document(cls) -> dict[str, Any]:
        settings = ListingsSettings(internal_secret=secrets.token_urlsafe(32))
        return create_app(settings).openapi()

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("put", "/v1/cooperatives/me"),
            ("post", "/v1/cooperatives/me/invitations"),
            ("get", "/v1/cooperatives/me/members"),
            ("delete", "/v1/cooperatives/me/members/{member_id}"),
            ("post", "/v1/cooperatives/memberships"),
            ("get", "/v1/cooperatives/memberships"),
            ("delete", "/v1/cooperatives/memberships/{aggregator_id}"),
            ("post", "/v1/cooperatives/me/listings"),
            ("post", "/v1/listings/{listing_id}/contributions"),
            ("get", "/v1/listings/{listing_id}/contributions"),
        ],
    )
    def test_every_route_is_described_with_its_problems(
        self, document: dict[str, Any], method: str, path: str
    ) -> None:
        operation = document["paths"][path][method]
        assert operation["description"] or operation["summary"]
        assert "401" in operation["responses"]

    def test_a_member_listing_says_which_source_of_stock_it_takes(
        self, document: dict[str, Any]
    ) -> None:
        schema = document["components"]["schemas"]["MemberListingDraft"]
        assert {"producer_id", "contributions"} <= set(schema["properties"])
        assert len(schema["oneOf"]) == 2

    def test_listings_say_whether_a_cooperative_sells_them(self, document: dict[str, Any]) -> None:
        view = document["components"]["schemas"]["ListingView"]["properties"]
        assert {"seller_type", "aggregator", "producer_ids"} <= set(view)
