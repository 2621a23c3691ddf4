"""The weather-alerts OpenAPI document says what the service accepts and answers: named bodies
with examples, every error status a route can answer, the enums and constraints it enforces,
and the XML and event-stream media types of the feeds. Read from the app, no stack needed."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from lumbung_weather_alerts.api.advisories import AdvisoryView
from lumbung_weather_alerts.api.catalogue import VesselClassView, vessel_catalogue
from lumbung_weather_alerts.api.subscriptions import SubscriptionBody
from lumbung_weather_alerts.api.views import AlertView
from lumbung_weather_alerts.api.zones import NewZone, ZoneBody, ZoneView
from lumbung_weather_alerts.domain.observations import Observation
from lumbung_weather_alerts.domain.ssrf import url_pattern
from lumbung_weather_alerts.domain.vessels import VESSEL_LIMITS, Risk, VesselClass, assess_vessel
from lumbung_weather_alerts.domain.zones import BoundingBox
from lumbung_weather_alerts.main import create_app
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from openapi_spec_validator import validate
from pydantic import BaseModel

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(WeatherAlertsSettings(internal_secret=secrets.token_urlsafe(32)))


@pytest.fixture(scope="module")
def document(app: Any) -> dict[str, Any]:
    openapi: dict[str, Any] = app.openapi()
    return openapi


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def body_schema(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    content = operation(document, method, path)["requestBody"]["content"]["application/json"]
    name = content["schema"]["$ref"].rsplit("/", 1)[-1]
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def errors_of(document: dict[str, Any], method: str, path: str) -> set[int]:
    return {int(s) for s in operation(document, method, path)["responses"] if int(s) >= 400}


class TestTheDocument:
    def test_is_valid_openapi(self, document: dict[str, Any]) -> None:
        validate(document)  # raises with the first offending path


EXAMPLED_MODELS: list[type[BaseModel]] = [
    Observation,
    NewZone,
    ZoneBody,
    ZoneView,
    BoundingBox,
    SubscriptionBody,
    AlertView,
    AdvisoryView,
    VesselClassView,
]


class TestExamples:
    @pytest.mark.parametrize("model", EXAMPLED_MODELS, ids=lambda m: m.__name__)
    def test_every_example_is_valid_for_its_own_model(self, model: type[BaseModel]) -> None:
        examples = model.model_json_schema()["examples"]
        assert examples
        for example in examples:
            model.model_validate(example)


class TestRequestBodies:
    @pytest.mark.parametrize(
        ("method", "path", "name"),
        [
            ("post", "/v1/zones", "NewZone"),
            ("put", "/v1/zones/{zone_id}", "ZoneBody"),
            ("post", "/v1/observations", "Observation"),
            ("post", "/v1/subscriptions", "SubscriptionBody"),
        ],
    )
    def test_each_body_is_a_named_model_with_an_example(
        self, document: dict[str, Any], method: str, path: str, name: str
    ) -> None:
        content = operation(document, method, path)["requestBody"]["content"]["application/json"]
        assert content["schema"] == {"$ref": f"#/components/schemas/{name}"}
        assert body_schema(document, method, path)["examples"]
        assert {400, 422} <= errors_of(document, method, path)

    def test_the_observation_states_its_ranges_and_refuses_other_fields(
        self, document: dict[str, Any]
    ) -> None:
        schema = body_schema(document, "post", "/v1/observations")
        assert schema["additionalProperties"] is False
        wave = schema["properties"]["significant_wave_m"]
        assert (wave["minimum"], wave["maximum"]) == (0, 30.0)
        assert schema["properties"]["zone_id"]["pattern"]

    def test_a_new_zone_has_a_slug_a_typed_box_and_bounded_regencies(
        self, document: dict[str, Any]
    ) -> None:
        schema = body_schema(document, "post", "/v1/zones")
        assert schema["properties"]["id"]["pattern"] == "^[a-z0-9]+(?:-[a-z0-9]+)*$"
        assert schema["properties"]["bbox"] == {"$ref": "#/components/schemas/BoundingBox"}
        regencies = schema["properties"]["regency_codes"]
        assert (regencies["minItems"], regencies["maxItems"]) == (1, 60)
        assert regencies["items"]["pattern"] == r"^\d{2}\.\d{2}$"

    def test_the_webhook_url_states_the_deployments_scheme_rule(
        self, document: dict[str, Any]
    ) -> None:
        url = body_schema(document, "post", "/v1/subscriptions")["properties"]["url"]
        assert (url["format"], url["pattern"]) == ("uri", url_pattern(require_https=True))
        test_stack = create_app(
            WeatherAlertsSettings(
                internal_secret=secrets.token_urlsafe(32), webhook_require_https=False
            )
        ).openapi()
        relaxed = test_stack["components"]["schemas"]["SubscriptionBody"]["properties"]["url"]
        assert relaxed["pattern"] == url_pattern(require_https=False)


class TestDeclaredAnswers:
    @pytest.mark.parametrize(
        ("method", "path", "statuses"),
        [
            ("get", "/v1/zones", {422}),
            ("get", "/v1/zones/{zone_id}", {404, 422}),
            ("post", "/v1/zones", {400, 401, 403, 409, 422}),
            ("put", "/v1/zones/{zone_id}", {400, 401, 403, 404, 422}),
            ("delete", "/v1/zones/{zone_id}", {401, 403, 404, 409, 422}),
            ("post", "/v1/observations", {400, 401, 403, 404, 409, 422}),
            ("get", "/v1/alerts", {422}),
            ("get", "/v1/alerts/{alert_id}", {404, 422}),
            ("get", "/v1/alerts/{alert_id}/cap", {404, 422}),
            ("get", "/v1/alerts/feed.atom", set()),
            ("get", "/v1/alerts/stream", {422}),
            ("get", "/v1/advisories", {422}),
            ("get", "/v1/catalogue/vessel-classes", set()),
            (
                "post",
                "/v1/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver",
                {401, 403, 404, 409, 422},
            ),
        ],
    )
    def test_each_route_declares_the_problems_it_answers(
        self, document: dict[str, Any], method: str, path: str, statuses: set[int]
    ) -> None:
        assert errors_of(document, method, path) == statuses
        for status in statuses:
            content = operation(document, method, path)["responses"][str(status)]["content"]
            assert list(content) == [PROBLEM]

    def test_feeds_declare_their_media_types(self, document: dict[str, Any]) -> None:
        def media(path: str) -> set[str]:
            return set(operation(document, "get", path)["responses"]["200"]["content"])

        assert media("/v1/alerts/feed.atom") == {"application/atom+xml"}
        assert media("/v1/alerts/{alert_id}") == {"application/json", "application/cap+xml"}
        assert media("/v1/alerts/{alert_id}/cap") == {"application/cap+xml"}
        assert media("/v1/alerts/stream") == {"text/event-stream"}

    def test_query_constraints_are_declared(self, document: dict[str, Any]) -> None:
        parameters = {
            p["name"]: p["schema"] for p in operation(document, "get", "/v1/alerts")["parameters"]
        }
        assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 100)
        cursor = parameters["cursor"]["anyOf"][0]
        assert (cursor["pattern"], cursor["maxLength"]) == ("^[A-Za-z0-9_-]+$", 200)
        severity = parameters["severity"]["anyOf"][0]["$ref"].rsplit("/", 1)[-1]
        assert document["components"]["schemas"][severity]["enum"] == [
            "Extreme",
            "Severe",
            "Moderate",
            "Minor",
        ]


class TestVesselClassCatalogue:
    async def test_the_route_answers_the_catalogue_with_a_long_cache(self, app: Any) -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://wa") as client:
            response = await client.get("/v1/catalogue/vessel-classes")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=86400"
        assert response.json() == vessel_catalogue().model_dump(mode="json")

    @pytest.mark.parametrize("vessel", list(VesselClass))
    def test_the_published_limits_are_where_the_advice_turns(self, vessel: VesselClass) -> None:
        entry = next(i for i in vessel_catalogue().items if i.code is vessel)
        assert entry.danger_over.wave_m == VESSEL_LIMITS[vessel].wave_m
        danger, caution = entry.danger_over, entry.caution_from
        assert assess_vessel(vessel, 0, danger.wave_m).risk is Risk.CAUTION
        assert assess_vessel(vessel, 0, danger.wave_m + 0.01).risk is Risk.DANGER
        assert assess_vessel(vessel, danger.wind_knots + 0.1, 0).risk is Risk.DANGER
        assert assess_vessel(vessel, caution.wind_knots, 0).risk is Risk.CAUTION
        assert assess_vessel(vessel, 0, caution.wave_m).risk is Risk.CAUTION
        assert assess_vessel(vessel, caution.wind_knots - 0.1, caution.wave_m - 0.01).risk is (
            Risk.SAFE
        )
