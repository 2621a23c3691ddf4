"""Specification: each public path belongs to one service, by whole path segments.

The longest matching prefix wins, so one prefix (`/v1/catalogue`) can be split between
services without the order of the table mattering.
"""

from __future__ import annotations

import pytest
from lumbung_gateway.domain.upstreams import ROUTES, SERVICES, upstream_for


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
