"""The OpenAPI and AsyncAPI documents describe the fishing grounds: a named, exampled body with
its limits, typed answers, every problem a route answers, the planner's bounds, and the
`fishing_ground.forecast_published` event the service sends. Read from the app, no stack."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from lumbung_shared.asyncapi import build_asyncapi
from lumbung_weather_alerts.api.forecast_views import ForecastView
from lumbung_weather_alerts.api.stream_grounds import DoNotSailView
from lumbung_weather_alerts.domain.fishing_grounds import ForecastBody
from lumbung_weather_alerts.fishing_setup import SENDS as FISHING_SENDS
from lumbung_weather_alerts.main import create_app
from lumbung_weather_alerts.messaging.events import SENDS as SEA_ALERT_SENDS
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from openapi_spec_validator import validate
from pydantic import BaseModel

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = create_app(WeatherAlertsSettings(internal_secret=secrets.token_urlsafe(32)))
    openapi: dict[str, Any] = app.openapi()
    return openapi


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


class TestTheDocument:
    def test_is_valid_openapi(self, document: dict[str, Any]) -> None:
        validate(document)

    @pytest.mark.parametrize("model", [ForecastBody, ForecastView, DoNotSailView])
    def test_every_example_is_valid_for_its_own_model(self, model: type[BaseModel]) -> None:
        examples = model.model_json_schema()["examples"]
        assert examples
        for example in examples:
            model.model_validate(example)


class TestTheForecastBody:
    def test_is_a_named_model_with_an_example(self, document: dict[str, Any]) -> None:
        body = operation(document, "post", "/v1/fishing-grounds/forecasts")["requestBody"]
        assert body["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ForecastBody"
        }
        assert schema(document, "ForecastBody")["examples"]

    def test_states_its_limits_and_refuses_other_fields(self, document: dict[str, Any]) -> None:
        body = schema(document, "ForecastBody")
        assert body["additionalProperties"] is False
        grounds = body["properties"]["grounds"]
        assert (grounds["minItems"], grounds["maxItems"]) == (1, 100)
        assert set(grounds["items"]["discriminator"]["mapping"]) == {"point", "polygon"}
        assert body["properties"]["supersedes"]["maxItems"] == 20
        assert body["properties"]["id"]["pattern"]
        vertices = schema(document, "PolygonGround")["properties"]["vertices"]
        assert vertices["minItems"] == 3
        latitude = schema(document, "PointGround")["properties"]["lat"]
        assert (latitude["minimum"], latitude["maximum"]) == (-90, 90)


class TestDeclaredAnswers:
    @pytest.mark.parametrize(
        ("method", "path", "statuses"),
        [
            ("post", "/v1/fishing-grounds/forecasts", {400, 401, 403, 409, 422}),
            ("get", "/v1/fishing-grounds/forecasts", {422}),
            ("get", "/v1/fishing-grounds/forecasts/{forecast_id}", {404, 422}),
            ("get", "/v1/fishing-grounds/sources", {401, 403}),
            ("get", "/v1/fishing-grounds", {401, 403, 422}),
            ("get", "/v1/landing-sites", set()),
        ],
    )
    def test_each_route_declares_the_problems_it_answers(
        self, document: dict[str, Any], method: str, path: str, statuses: set[int]
    ) -> None:
        responses = operation(document, method, path)["responses"]
        assert {int(s) for s in responses if int(s) >= 400} == statuses
        for status in statuses:
            assert list(responses[str(status)]["content"]) == [PROBLEM]

    def test_a_repeat_post_declares_its_200(self, document: dict[str, Any]) -> None:
        responses = operation(document, "post", "/v1/fishing-grounds/forecasts")["responses"]
        for status in ("200", "201"):
            assert responses[status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ForecastView"
            }

    def test_the_planner_answers_a_typed_plan(self, document: dict[str, Any]) -> None:
        ok = operation(document, "get", "/v1/fishing-grounds")["responses"]["200"]
        assert ok["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/TripPlanView"
        }
        ground = schema(document, "PlannedGroundView")["properties"]
        assert {"distance_nm", "bearing_deg", "advice", "do_not_sail", "fuel", "price"} <= set(
            ground
        )
        price = schema(document, "PriceView")["properties"]["scope"]
        assert price["enum"] == ["regency", "province", "national"]


class TestThePlannersParameters:
    def test_are_bounded(self, document: dict[str, Any]) -> None:
        parameters = {
            p["name"]: p["schema"]
            for p in operation(document, "get", "/v1/fishing-grounds")["parameters"]
        }
        assert parameters["from"]["pattern"]
        assert (parameters["range_nm"]["exclusiveMinimum"], parameters["range_nm"]["maximum"]) == (
            0,
            300.0,
        )
        assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 50)
        assert parameters["vessel"]["$ref"].endswith("/VesselClass")
        fuel_price = parameters["fuel_price"]["anyOf"][0]
        assert (fuel_price["minimum"], fuel_price["maximum"]) == (1000, 50_000)


class TestTheEvents:
    def test_the_service_sends_forecast_published_on_its_own_topic(self) -> None:
        doc = build_asyncapi(
            "weather_alerts",
            ["sea_alert.issued", "fishing_ground.forecast_published"],
        )
        channel = doc["channels"]["fishing_ground_events"]
        assert channel["address"] == "lumbung.fishing_ground.events"
        assert "fishing_ground_forecast_published" in channel["messages"]
        sends = doc["operations"]["weather_alerts_sends_fishing_ground_forecast_published"]
        assert sends["action"] == "send"

    def test_the_app_declares_what_it_sends(self) -> None:
        assert FISHING_SENDS == ("fishing_ground.forecast_published",)
        assert SEA_ALERT_SENDS == ("sea_alert.issued", "sea_alert.updated", "sea_alert.cancelled")
