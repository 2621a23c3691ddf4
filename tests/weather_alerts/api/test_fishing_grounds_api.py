"""The fishing-ground routes' HTTP contract on a bare app: the real use cases over in-memory
stores, so statuses, problems, bounds and role checks are what a client sees."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from lumbung_shared.clock import utc_now
from lumbung_shared.fisheries import LANDING_SITE_IDS, SpeciesGroup
from lumbung_shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from lumbung_shared.web.problems import install_problem_handlers
from lumbung_weather_alerts.api import fishing_grounds, landing_sites, trip_planner
from lumbung_weather_alerts.domain.catch_prices import PriceFigure
from lumbung_weather_alerts.domain.zones import SEED_ZONES
from lumbung_weather_alerts.settings import WeatherAlertsSettings
from lumbung_weather_alerts.usecases.feed_health import FeedHealth
from lumbung_weather_alerts.usecases.plan_trip import PlanTrip
from lumbung_weather_alerts.usecases.publish_forecast import PublishForecast
from lumbung_weather_alerts.usecases.read_forecasts import ReadForecasts
from starlette.types import Receive, Scope, Send

from tests.weather_alerts.usecases.fishing_fakes import Alerts, Forecasts, Observations, Zones

SECRET = b"f" * 32
AUDIENCE = "weather_alerts"


class Prices:
    async def median(self, group: SpeciesGroup, regency_code: str | None) -> PriceFigure | None:
        return PriceFigure(median_per_kg=34_000, listings=3, scope="regency")


class NoFeeds(FeedHealth):
    def __init__(self) -> None:
        pass

    async def all(self, now: Any) -> list[dict[str, Any]]:
        return []


class State:
    def __init__(self) -> None:
        self.forecasts = Forecasts()
        self.publish_forecast = PublishForecast(Zones(SEED_ZONES), self.forecasts)  # type: ignore[arg-type]
        self.read_forecasts = ReadForecasts(self.forecasts)  # type: ignore[arg-type]
        self.plan_trip = PlanTrip(self.forecasts, Alerts(), Observations(), Prices())  # type: ignore[arg-type]
        self.fishing_ground_feeds = NoFeeds()


@pytest.fixture
def state() -> State:
    return State()


@pytest.fixture
async def http(state: State) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.internal_secret = SECRET
    app.state.identity_audience = AUDIENCE
    app.state.settings = WeatherAlertsSettings(internal_secret=secrets.token_urlsafe(32))
    install_problem_handlers(app)
    for router in (trip_planner.router, fishing_grounds.router, landing_sites.router):
        app.include_router(router)

    async def with_service(scope: Scope, receive: Receive, send: Send) -> None:
        scope["state"] = {"service": state}  # what the lifespan provides in the service
        await app(scope, receive, send)

    transport = httpx.ASGITransport(with_service)
    async with httpx.AsyncClient(transport=transport, base_url="http://wa") as client:
        yield client


def as_caller(
    method: str, path: str, role: Role, regions: tuple[str, ...] = (), lang: str = "en"
) -> dict[str, str]:
    who = Identity(subject=f"{role.value}-1", role=role, regions=list(regions))
    signed = sign_identity(who, SECRET, audience=AUDIENCE, method=method, path=path)
    return {IDENTITY_HEADER: signed, "Accept-Language": lang}


FORECASTS = "/v1/fishing-grounds/forecasts"


def forecast(forecast_id: str = "zppi-uji-1", **changes: Any) -> dict[str, Any]:
    now = utc_now()
    body: dict[str, Any] = {
        "id": forecast_id,
        "source": "BRIN/KKP ZPPI",
        "issued_at": now.isoformat(),
        "valid_from": now.isoformat(),
        "valid_until": (now + timedelta(days=1)).isoformat(),
        "species_group": "pelagis_kecil",
        "grounds": [{"kind": "point", "lat": -5.8, "lon": 106.5}],
    }
    body.update(changes)
    return body


async def post(
    http: httpx.AsyncClient, body: dict[str, Any], role: Role = Role.ADMIN, **who: Any
) -> httpx.Response:
    return await http.post(FORECASTS, json=body, headers=as_caller("POST", FORECASTS, role, **who))


class TestPostingAForecast:
    async def test_new_is_201_with_its_location_and_the_same_again_is_200(
        self, http: httpx.AsyncClient
    ) -> None:
        body = forecast()
        created = await post(http, body)
        assert created.status_code == 201, created.text
        assert created.headers["location"] == f"{FORECASTS}/zppi-uji-1"
        view = created.json()
        assert view["grounds"][0]["zone_id"] == "perairan-kepulauan-seribu"
        assert view["species_group"]["name"] == {
            "id": "Ikan pelagis kecil",
            "en": "Small pelagic fish",
        }
        again = await post(http, body)
        assert again.status_code == 200
        assert again.json() == view

    async def test_the_same_id_with_other_content_is_409(self, http: httpx.AsyncClient) -> None:
        await post(http, forecast())
        other = await post(http, forecast(confidence="high"))
        assert other.status_code == 409
        assert other.json()["type"].endswith("/forecast-id-conflict")

    async def test_a_ground_in_no_zone_is_a_field_error_in_the_callers_language(
        self, http: httpx.AsyncClient, state: State
    ) -> None:
        grounds = [
            {"kind": "point", "lat": -5.8, "lon": 106.5},
            {"kind": "point", "lat": -20, "lon": 90},
        ]
        headers = as_caller("POST", FORECASTS, Role.ADMIN, lang="id")
        refused = await http.post(FORECASTS, json=forecast(grounds=grounds), headers=headers)
        assert refused.status_code == 422
        problem = refused.json()
        assert problem["type"].endswith("/invalid-input")
        (error,) = problem["errors"]
        assert (error["field"], error["type"]) == ("grounds[1]", "ground-outside-zones")
        assert error["msg"].startswith("Daerah penangkapan ini tidak berada di wilayah perairan")
        assert state.forecasts.docs == {}

    async def test_an_agency_posts_for_zones_touching_its_regions_only(
        self, http: httpx.AsyncClient
    ) -> None:
        assert (await post(http, forecast(), Role.AGENCY, regions=("31",))).status_code == 201
        elsewhere = await post(http, forecast("zppi-uji-2"), Role.AGENCY, regions=("51",))
        assert elsewhere.status_code == 403
        assert elsewhere.json()["type"].endswith("/region-out-of-scope")

    @pytest.mark.parametrize(("role", "status"), [(Role.FISHER, 403), (Role.ANONYMOUS, 401)])
    async def test_fishers_and_strangers_may_not_post(
        self, http: httpx.AsyncClient, role: Role, status: int
    ) -> None:
        assert (await post(http, forecast(), role)).status_code == status

    async def test_an_ended_window_is_422(self, http: httpx.AsyncClient) -> None:
        past = utc_now() - timedelta(days=2)
        old = forecast(
            issued_at=past.isoformat(),
            valid_from=past.isoformat(),
            valid_until=(past + timedelta(hours=1)).isoformat(),
        )
        refused = await post(http, old)
        assert refused.status_code == 422
        assert refused.json()["type"].endswith("/forecast-expired")


async def read(http: httpx.AsyncClient, path: str, **params: Any) -> httpx.Response:
    """A public read: the gateway vouches for an anonymous caller."""
    return await http.get(path, params=params, headers=as_caller("GET", path, Role.ANONYMOUS))


class TestReadingForecasts:
    async def test_pages_of_forecasts_in_force_follow_the_cursor(
        self, http: httpx.AsyncClient
    ) -> None:
        for forecast_id in ("a-1", "b-1", "c-1"):
            await post(http, forecast(forecast_id))
        first = (await read(http, FORECASTS, limit=2)).json()
        assert [f["id"] for f in first["items"]] == ["a-1", "b-1"]
        rest = (await read(http, FORECASTS, limit=2, cursor=first["next_cursor"])).json()
        assert [f["id"] for f in rest["items"]] == ["c-1"]
        assert rest["next_cursor"] is None

    async def test_a_cursor_not_ours_is_422(self, http: httpx.AsyncClient) -> None:
        assert (await read(http, FORECASTS, cursor="bm90LWpzb24")).status_code == 422

    async def test_one_by_id_and_404_for_an_unknown_one(self, http: httpx.AsyncClient) -> None:
        await post(http, forecast())
        assert (await read(http, f"{FORECASTS}/zppi-uji-1")).json()["status"] == "active"
        assert (await read(http, f"{FORECASTS}/zppi-tidak-ada")).status_code == 404


PLANNER = "/v1/fishing-grounds"


async def plan(http: httpx.AsyncClient, role: Role = Role.FISHER, **params: Any) -> httpx.Response:
    query = {"from": "pps-nizam-zachman", **params}
    return await http.get(PLANNER, params=query, headers=as_caller("GET", PLANNER, role))


class TestThePlanner:
    async def test_a_fisher_gets_the_ranked_grounds_with_figures(
        self, http: httpx.AsyncClient
    ) -> None:
        await post(http, forecast())
        answer = await plan(http)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["origin"]["landing_site"]["id"] == "pps-nizam-zachman"
        assert body["fuel_assumptions"] == {
            "speed_knots": 7.0,
            "litres_per_hour": 6.0,
            "price_per_litre": 6800,
        }
        (ground,) = body["grounds"]
        assert (ground["distance_nm"], ground["bearing_deg"]) == (25.87, 315.0)
        assert ground["advice"] == {
            "now": "caution",
            "over_window": "caution",
            "reasons_id": [
                "Belum ada prakiraan cuaca maritim untuk saat ini di wilayah ini; tetap waspada.",
                "Belum ada prakiraan cuaca maritim untuk seluruh masa berlaku titik ikan ini; "
                "tetap waspada.",
            ],
            "reasons_en": [
                "No maritime forecast for this zone right now; stay cautious.",
                "No maritime forecast for this fishing ground's validity window; stay cautious.",
            ],
        }
        assert ground["do_not_sail"] is False
        assert ground["fuel"] == {"litres": 44.3, "rupiah": 301_570}
        assert ground["price"] == {"median_per_kg": 34_000, "listings": 3, "scope": "regency"}
        assert ground["species_group"]["code"] == "pelagis_kecil"

    async def test_the_boat_and_fuel_price_may_be_overridden(self, http: httpx.AsyncClient) -> None:
        await post(http, forecast())
        body = (await plan(http, speed_knots=5, litres_per_hour=3, fuel_price=10_000)).json()
        assert body["fuel_assumptions"] == {
            "speed_knots": 5.0,
            "litres_per_hour": 3.0,
            "price_per_litre": 10_000,
        }
        # 2 * 25.870 / 5 * 3 = 31.044 l; * 10,000 = 310,440 rupiah
        assert body["grounds"][0]["fuel"] == {"litres": 31.0, "rupiah": 310_440}

    @pytest.mark.parametrize(
        "params",
        [
            {"range_nm": 301},
            {"range_nm": 0},
            {"limit": 51},
            {"vessel": "submarine"},
            {"speed_knots": 41},
            {"fuel_price": 999},
            {"from": "Muara Baru!"},
        ],
    )
    async def test_out_of_bounds_parameters_are_422(
        self, http: httpx.AsyncClient, params: dict[str, Any]
    ) -> None:
        assert (await plan(http, **params)).status_code == 422

    @pytest.mark.parametrize("origin", ["pelabuhan-atlantis", "91.0,106.0", "-6.1,181"])
    async def test_an_unknown_landing_site_or_a_position_off_earth_is_422_naming_from(
        self, http: httpx.AsyncClient, origin: str
    ) -> None:
        """The parameter's pattern is the whole rule (landing-site ids and coordinate ranges),
        so the refusal is a field error of `from` like any other bound."""
        refused = await plan(http, **{"from": origin})
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == ["from"]

    async def test_a_position_at_the_edge_of_the_range_is_taken(
        self, http: httpx.AsyncClient
    ) -> None:
        assert (await plan(http, **{"from": "-90,180"})).status_code == 200

    @pytest.mark.parametrize(
        ("role", "status"), [(Role.BUYER, 403), (Role.AGENCY, 403), (Role.ADMIN, 200)]
    )
    async def test_it_is_for_fishers_and_admins(
        self, http: httpx.AsyncClient, role: Role, status: int
    ) -> None:
        assert (await plan(http, role)).status_code == status


class TestLandingSites:
    async def test_every_landing_site_with_its_regency_cacheable(
        self, http: httpx.AsyncClient
    ) -> None:
        answer = await read(http, "/v1/landing-sites")
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=86400"
        items = answer.json()["items"]
        assert [site["id"] for site in items] == list(LANDING_SITE_IDS)
        assert items[0] == {
            "id": "pps-nizam-zachman",
            "name": "PPS Nizam Zachman (Muara Baru)",
            "kind": "PPS",
            "regency_code": "31.75",
            "lat": -6.105,
            "lon": 106.806,
        }
