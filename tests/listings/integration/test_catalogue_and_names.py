"""Through the gateway: the catalogues are public, and commodities are found by name or id.

Issue 14 point 2: `bawang merah`, `bawang_merah` and `shallot` all find the shallots; the
commodity filter and a new listing take the id as people spell it; a name where the id belongs
is a 422 that says which id it names and where the catalogue is.
"""

from __future__ import annotations

from typing import Any

import httpx
from devstack.stack import Stack

from tests.listings.integration.helpers import Seller, shallots, skipjack, unique_word
from tests.listings.integration.syncing import search

ANONYMOUS: dict[str, str] = {}


def ids(page: dict[str, Any]) -> set[str]:
    return {item["id"] for item in page["items"]}


class TestCataloguesArePublic:
    async def test_commodities_units_and_regions_without_signing_in(
        self, gateway: httpx.AsyncClient
    ) -> None:
        commodities = await gateway.get("/v1/catalogue/commodities", params={"q": "shallot"})
        assert commodities.status_code == 200, commodities.text
        assert [item["id"] for item in commodities.json()["items"]] == ["bawang-merah"]
        assert commodities.headers["cache-control"] == "public, max-age=3600"

        units = await gateway.get("/v1/catalogue/units")
        assert "karung" in [item["code"] for item in units.json()["items"]]

        regencies = await gateway.get("/v1/catalogue/regions", params={"parent": "63"})
        assert "63.08" in [item["code"] for item in regencies.json()["items"]]
        unknown = await gateway.get("/v1/catalogue/regions", params={"parent": "99"})
        assert unknown.status_code == 404


class TestCommodityByNameOrId:
    async def test_words_of_either_language_find_the_commodity(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        word = unique_word()
        onions = await Seller(stack, gateway).lists(shallots(title=f"Brambang {word}"))
        await Seller(stack, gateway, "fisher").lists(skipjack(title=f"Cakalang {word}"))
        for q in ("bawang merah", "bawang_merah", "shallot", "Shallots"):
            page = await search(gateway, ANONYMOUS, q=f"{word} {q}")
            assert ids(page) == {onions["id"]}, q

    async def test_the_id_as_people_spell_it_is_read_as_the_id(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        word = unique_word()
        listing = await Seller(stack, gateway).lists(
            shallots(title=f"Bawang {word}", commodity="Bawang_Merah")
        )
        assert listing["commodity"] == "bawang-merah"
        page = await search(gateway, ANONYMOUS, q=word, commodity="bawang merah")
        assert ids(page) == {listing["id"]}

    async def test_a_name_where_the_id_belongs_answers_with_the_id(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        response = await gateway.post(
            "/v1/listings",
            json=shallots(commodity="shallot"),
            headers={**seller.headers, "Accept-Language": "en"},
        )
        assert response.status_code == 422, response.text
        (error,) = response.json()["errors"]
        assert (error["field"], error["type"]) == ("commodity", "unknown-commodity")
        assert error["suggestions"] == ["bawang-merah"]
        assert "GET /v1/catalogue/commodities" in error["msg"]
