"""The listings service's own `/openapi.json`: named bodies, the photo upload, every status.

A client generated from this document must be able to create a listing, upload a photo and
search by commodity without reading the code, so each of those is spelled out here.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from lumbung_listings.domain.access import IF_MATCH_PATTERN, etag
from lumbung_listings.domain.commodities import COMMODITY_CODES
from lumbung_listings.domain.photos import MAX_PHOTO_BYTES
from lumbung_listings.domain.regions import default_catalogue
from lumbung_listings.main import create_app
from lumbung_listings.settings import ListingsSettings
from openapi_spec_validator import validate

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(ListingsSettings(internal_secret=secrets.token_urlsafe(32))).openapi()


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    (found,) = [p for p in operation(document, "get", path)["parameters"] if p["name"] == name]
    schema: dict[str, Any] = found["schema"]
    return schema


class TestTheDocument:
    def test_is_a_valid_openapi_document(self, document: dict[str, Any]) -> None:
        validate(document)

    @pytest.mark.parametrize(
        ("method", "path", "model"),
        [
            ("post", "/v1/listings", "ListingDraft"),
            ("patch", "/v1/listings/{listing_id}", "ListingPatch"),
            ("post", "/v1/listings/{listing_id}/status", "StatusChange"),
        ],
    )
    def test_json_bodies_are_named_models_that_forbid_other_fields(
        self, document: dict[str, Any], method: str, path: str, model: str
    ) -> None:
        body = operation(document, method, path)["requestBody"]
        assert body["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{model}"
        }
        schema = document["components"]["schemas"][model]
        assert schema["additionalProperties"] is False
        assert schema["examples"]

    def test_the_draft_declares_the_catalogues(self, document: dict[str, Any]) -> None:
        properties = document["components"]["schemas"]["ListingDraft"]["properties"]
        assert properties["commodity"]["enum"] == list(COMMODITY_CODES)
        assert properties["origin_region"] == {"$ref": "#/components/schemas/RegionCode"}
        assert properties["unit"] == {"$ref": "#/components/schemas/Unit"}
        assert properties["price_per_unit"]["maximum"] == 1_000_000_000

    def test_region_codes_are_one_named_enum_for_bodies_and_filters(
        self, document: dict[str, Any]
    ) -> None:
        codes = document["components"]["schemas"]["RegionCode"]["enum"]
        assert codes == default_catalogue().codes()
        assert {"63", "63.08", "63.08.05"} <= set(codes)
        for path in ("/v1/listings", "/v1/prices"):
            (region,) = [
                p for p in operation(document, "get", path)["parameters"] if p["name"] == "region"
            ]
            assert {"$ref": "#/components/schemas/RegionCode"} in region["schema"]["anyOf"]

    def test_edits_name_the_version_they_change(self, document: dict[str, Any]) -> None:
        def if_match(method: str, path: str) -> dict[str, Any]:
            parameters = operation(document, method, path)["parameters"]
            (header,) = [p for p in parameters if p["name"] == "if-match"]
            return header

        edit = if_match("patch", "/v1/listings/{listing_id}")
        status = if_match("post", "/v1/listings/{listing_id}/status")
        assert (edit["required"], status["required"]) == (True, False)
        assert edit["schema"]["pattern"] == IF_MATCH_PATTERN
        assert re.fullmatch(IF_MATCH_PATTERN.strip("^$"), etag(3))

    def test_the_photo_upload_is_a_declared_multipart_body(self, document: dict[str, Any]) -> None:
        body = operation(document, "post", "/v1/listings/{listing_id}/photos")["requestBody"]
        form = body["content"]["multipart/form-data"]
        assert form["schema"]["required"] == ["photo"]
        assert form["schema"]["properties"]["photo"]["format"] == "binary"
        assert form["schema"]["properties"]["photo"]["maxLength"] == MAX_PHOTO_BYTES
        assert form["encoding"]["photo"]["contentType"] == "image/jpeg, image/png, image/webp"

    def test_a_photo_is_served_as_an_image(self, document: dict[str, Any]) -> None:
        answer = operation(document, "get", "/v1/listings/{listing_id}/photos/{photo_id}")
        assert set(answer["responses"]["200"]["content"]) == {"image/jpeg", "image/webp"}

    def test_search_declares_its_limits_and_the_commodity_ids(
        self, document: dict[str, Any]
    ) -> None:
        assert parameter(document, "/v1/listings", "commodity")["enum"] == list(COMMODITY_CODES)
        limit = parameter(document, "/v1/listings", "limit")["anyOf"][0]
        assert (limit["minimum"], limit["maximum"]) == (1, 100)
        cursor = parameter(document, "/v1/listings", "cursor")["anyOf"][0]
        assert cursor["pattern"] == "^[A-Za-z0-9_-]{1,200}$"

    def test_catalogue_routes_answer_named_lists(self, document: dict[str, Any]) -> None:
        for path, model in [
            ("/v1/catalogue/commodities", "CommodityList"),
            ("/v1/catalogue/units", "UnitList"),
            ("/v1/catalogue/regions", "RegionList"),
        ]:
            ok = operation(document, "get", path)["responses"]["200"]
            assert ok["content"]["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{model}"
            }


class TestDeclaredStatuses:
    @pytest.mark.parametrize(
        ("method", "path", "statuses"),
        [
            ("get", "/v1/listings", {410, 422}),
            ("post", "/v1/listings", {400, 401, 403, 422}),
            ("get", "/v1/listings/{listing_id}", {404}),
            ("patch", "/v1/listings/{listing_id}", {400, 401, 403, 404, 412, 422}),
            ("delete", "/v1/listings/{listing_id}", {401, 403, 404, 412}),
            ("post", "/v1/listings/{listing_id}/status", {400, 401, 403, 404, 409, 412, 422}),
            (
                "post",
                "/v1/listings/{listing_id}/photos",
                {401, 403, 404, 412, 413, 415, 422},
            ),
            ("get", "/v1/listings/{listing_id}/photos/{photo_id}", {404, 422}),
            ("delete", "/v1/listings/{listing_id}/photos/{photo_id}", {401, 403, 404, 412}),
            ("get", "/v1/prices", {422}),
            ("get", "/v1/catalogue/commodities", {422}),
            ("get", "/v1/catalogue/regions", {404, 422}),
        ],
    )
    def test_each_route_declares_the_problems_it_answers(
        self, document: dict[str, Any], method: str, path: str, statuses: set[int]
    ) -> None:
        responses = operation(document, method, path)["responses"]
        problems = {int(code) for code in responses if int(code) >= 400}
        assert problems >= statuses
        assert problems - statuses <= {422}  # FastAPI declares 422 wherever there are params
        for code in statuses - {410}:
            content = responses[str(code)]["content"]
            assert content["application/problem+json"]["schema"] == PROBLEM
