"""Specification: each public path belongs to one service, by whole path segments."""

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
        ],
    )
    def test_a_path_goes_to_its_service(self, path: str, service: str) -> None:
        assert upstream_for(path) == service

    @pytest.mark.parametrize("path", ["/v1/ordersx", "/v1/auth/login", "/v1", "/listings"])
    def test_other_paths_belong_to_nobody(self, path: str) -> None:
        assert upstream_for(path) is None

    def test_every_route_names_a_known_service(self) -> None:
        assert {service for _, service in ROUTES} == set(SERVICES)
