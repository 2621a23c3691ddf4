"""Specification: each public path belongs to one service, by whole path segments.

The longest matching prefix wins, so one prefix (`/v1/catalogue`) can be split between
services without the order of the table mattering. A path also names the table's template it
matched (the metrics' route label): the prefix itself, or everything below it.
"""

from __future__ import annotations

import pytest
from lumbung_gateway.domain.upstreams import ROUTES, SERVICES, Owner, owner_of, upstream_for


class TestRouting:
    @pytest.mark.parametrize(
        ("path", "service"),
        [
            ("/v1/listings", "listings"),
            ("/v1/listings/abc/photos", "listings"),
            ("/v1/prices", "listings"),
            ("/v1/orders/1", "orders"),
            ("/v1/alerts/feed.atom", "weather_alerts"),
            ("/v1/subscriptions", "weather_alerts"),
            ("/v1/catalogue/commodities", "listings"),
            ("/v1/catalogue/units", "listings"),
            ("/v1/catalogue/regions", "listings"),
            ("/v1/catalogue", "listings"),
        ],
    )
    def test_a_path_goes_to_its_service(self, path: str, service: str) -> None:
        assert upstream_for(path) == service

    @pytest.mark.parametrize(
        "path", ["/v1/catalogue/vessel-classes", "/v1/catalogue/vessel-classes/perahu-nelayan"]
    )
    def test_the_vessel_classes_are_the_sea_safety_service_s(self, path: str) -> None:
        assert upstream_for(path) == "weather_alerts"

    def test_a_longer_prefix_matches_whole_segments_only(self) -> None:
        assert upstream_for("/v1/catalogue/vessel-classesx") == "listings"

    @pytest.mark.parametrize(
        "path", ["/v1/ordersx", "/v1/auth/login", "/v1", "/listings", "/v1/catalogues"]
    )
    def test_other_paths_belong_to_nobody(self, path: str) -> None:
        assert upstream_for(path) is None

    def test_every_route_names_a_known_service(self) -> None:
        assert {service for _, service in ROUTES} == set(SERVICES)


class TestTemplates:
    @pytest.mark.parametrize(
        ("path", "owner"),
        [
            ("/v1/orders", Owner("orders", "/v1/orders")),
            ("/v1/orders/", Owner("orders", "/v1/orders/{path:path}")),
            ("/v1/orders/0123456789abcdef/cancel", Owner("orders", "/v1/orders/{path:path}")),
            (
                "/v1/catalogue/vessel-classes/perahu",
                Owner("weather_alerts", "/v1/catalogue/vessel-classes/{path:path}"),
            ),
            ("/v1/catalogue/units", Owner("listings", "/v1/catalogue/{path:path}")),
        ],
    )
    def test_a_path_names_the_template_it_matched(self, path: str, owner: Owner) -> None:
        assert owner_of(path) == owner

    def test_there_are_two_templates_per_prefix_whatever_the_paths(self) -> None:
        made_up = [f"{prefix}/{i}/{'x' * i}" for prefix, _ in ROUTES for i in range(50)]
        exact = [prefix for prefix, _ in ROUTES]
        templates = {owner.template for path in made_up + exact if (owner := owner_of(path))}
        assert len(templates) == 2 * len(ROUTES)
