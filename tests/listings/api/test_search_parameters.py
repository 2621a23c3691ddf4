"""`GET /v1/listings` takes the commodity by id, finds commodity names by word in both
languages, and declares its limits: what reaches the search is validated filters."""

from __future__ import annotations

import httpx
import pytest

from tests.listings.api.bare_app import State, as_caller

SEARCH = as_caller(
    "GET",
    "/v1/listings",
)


async def search(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await client.get("/v1/listings", params=params, headers=SEARCH)


class TestCommodityById:
    @pytest.mark.parametrize("spelled", ["bawang-merah", "bawang_merah", "Bawang Merah"])
    async def test_the_id_however_spelled_filters_by_the_id(
        self, client: httpx.AsyncClient, state: State, spelled: str
    ) -> None:
        response = await search(client, commodity=spelled)
        assert response.status_code == 200, response.text
        assert state.search_listings.filters[0].commodity == "bawang-merah"

    async def test_a_name_is_refused_with_the_id_it_names(self, client: httpx.AsyncClient) -> None:
        response = await search(client, commodity="shallot")
        assert response.status_code == 422
        (error,) = response.json()["errors"]
        assert (error["field"], error["type"]) == ("commodity", "unknown-commodity")
        assert error["suggestions"] == ["bawang-merah"]


class TestWordsNameCommodities:
    @pytest.mark.parametrize("q", ["shallot", "shallots", "Bawang Merah"])
    async def test_words_carry_the_commodities_they_name(
        self, client: httpx.AsyncClient, state: State, q: str
    ) -> None:
        assert (await search(client, q=q)).status_code == 200
        (filters,) = state.search_listings.filters
        assert all("bawang-merah" in word.commodities for word in filters.words)


class TestDeclaredLimits:
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("limit", "0"),
            ("limit", "101"),
            ("cursor", "not a cursor!"),
            ("since", "2026-11-21T00:00"),
            ("price_min", "-1"),
            ("price_max", "1000000001"),
            ("region", "63-08"),
            ("region", "99.99"),
            ("sort", "cheapest"),
        ],
    )
    async def test_a_value_outside_the_declared_range_is_a_422_on_that_parameter(
        self, client: httpx.AsyncClient, state: State, name: str, value: str
    ) -> None:
        response = await search(client, **{name: value})
        assert response.status_code == 422, response.text
        assert [error["loc"] for error in response.json()["errors"]] == [["query", name]]
        assert state.search_listings.filters == []

    async def test_more_tags_than_a_search_takes_are_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        tags = ["segar", "halal", "organik", "beku", "kering", "asap"]
        response = await client.get("/v1/listings", params={"tag": tags}, headers=SEARCH)
        assert response.status_code == 422
