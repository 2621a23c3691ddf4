"""`GET /v1/catalogue/*`: the commodity, unit and region lists a client builds pickers from.

Public and cacheable: every answer has a strong ETag and `Cache-Control: public`, and a client
that sends the ETag back gets a 304.
"""

from __future__ import annotations

import httpx
import pytest


class TestCommodities:
    async def test_every_commodity_with_both_names_kind_and_units(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/v1/catalogue/commodities")
        assert response.status_code == 200
        items = response.json()["items"]
        assert len(items) == 38
        assert items[6] == {
            "id": "bawang-merah",
            "name_id": "Bawang merah",
            "name_en": "Shallots",
            "kind": "produce",
            "default_unit": "kg",
            "units": ["kg", "ikat", "karung"],
        }

    async def test_filtered_by_kind(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/catalogue/commodities", params={"kind": "processed"})
        assert {item["kind"] for item in response.json()["items"]} == {"processed"}
        assert len(response.json()["items"]) == 7

    @pytest.mark.parametrize("q", ["bawang merah", "shallot", "Shallots", "baw mer"])
    async def test_found_by_words_of_either_name(self, client: httpx.AsyncClient, q: str) -> None:
        response = await client.get("/v1/catalogue/commodities", params={"q": q})
        assert [item["id"] for item in response.json()["items"]] == ["bawang-merah"]

    async def test_an_unknown_kind_is_a_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/catalogue/commodities", params={"kind": "livestock"})
        assert response.status_code == 422


class TestUnits:
    async def test_every_unit_with_its_names(self, client: httpx.AsyncClient) -> None:
        items = (await client.get("/v1/catalogue/units")).json()["items"]
        assert [item["code"] for item in items] == [
            "kg",
            "ton",
            "ekor",
            "ikat",
            "karung",
            "liter",
            "buah",
        ]
        assert {"code": "ikat", "name_id": "ikat", "name_en": "bunch"} in items


class TestRegions:
    async def test_without_a_parent_the_provinces(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/catalogue/regions")).json()
        assert body["parent"] is None
        assert len(body["items"]) == 38
        assert {
            "code": "63",
            "name": "Kalimantan Selatan",
            "level": "province",
            "parent": None,
        } in (body["items"])

    async def test_a_province_gives_its_regencies(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/catalogue/regions", params={"parent": "63"})).json()
        assert body["parent"] == "63"
        assert {
            "code": "63.08",
            "name": "Kabupaten Hulu Sungai Utara",
            "level": "regency",
            "parent": "63",
        } in body["items"]
        assert {item["parent"] for item in body["items"]} == {"63"}

    async def test_a_regency_gives_its_districts(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/catalogue/regions", params={"parent": "21.71"})).json()
        assert {item["level"] for item in body["items"]} == {"district"}

    async def test_an_unknown_parent_is_a_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/catalogue/regions", params={"parent": "99"})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_a_malformed_parent_is_a_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/catalogue/regions", params={"parent": "6308"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["query", "parent"]


class TestCaching:
    @pytest.mark.parametrize(
        "path",
        ["/v1/catalogue/commodities", "/v1/catalogue/units", "/v1/catalogue/regions?parent=63"],
    )
    async def test_answers_are_public_with_an_etag_and_a_304_for_it(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        first = await client.get(path)
        assert first.headers["cache-control"] == "public, max-age=3600"
        again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.headers["etag"] == first.headers["etag"]

    async def test_different_answers_have_different_etags(self, client: httpx.AsyncClient) -> None:
        provinces = await client.get("/v1/catalogue/regions")
        regencies = await client.get("/v1/catalogue/regions", params={"parent": "63"})
        assert provinces.headers["etag"] != regencies.headers["etag"]
