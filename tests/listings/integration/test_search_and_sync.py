"""Search and offline sync through the gateway (issue points 3 and 4).

Each test's listings carry a made-up word in their titles, so a search for it sees only them
even though the whole session shares one stack.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from devstack.stack import Stack

from tests.listings.integration.helpers import Seller, shallots, skipjack, unique_word
from tests.listings.integration.syncing import search, sync_settled
from tests.support.clients import bearer

ANONYMOUS: dict[str, str] = {}


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


class TestFilters:
    async def test_each_filter_narrows_the_result(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        word = unique_word()
        farmer = Seller(stack, gateway)
        fisher = Seller(stack, gateway, "fisher")
        cheap = await farmer.lists(shallots(title=f"Bawang {word}", price_per_unit=20000))
        dear = await farmer.lists(
            shallots(title=f"Bawang {word} super", price_per_unit=40000, tags=["organik"])
        )
        district = await farmer.lists(
            shallots(title=f"Bawang {word}", origin_region="63.08.01", price_per_unit=30000)
        )
        fish = await fisher.lists(skipjack(title=f"Cakalang {word}"))
        buyer = bearer(stack, "buyer")

        everything = await search(gateway, buyer, q=word)
        assert set(ids(everything)) == {cheap["id"], dear["id"], district["id"], fish["id"]}
        cases: list[tuple[dict[str, Any], set[str]]] = [
            ({"commodity": "bawang-merah"}, {cheap["id"], dear["id"], district["id"]}),
            ({"kind": "catch"}, {fish["id"]}),
            ({"region": "63"}, {cheap["id"], dear["id"], district["id"]}),
            ({"region": "63.08.01"}, {district["id"]}),
            ({"region": "31.01"}, {fish["id"]}),
            ({"price_min": 25000, "price_max": 40000}, {dear["id"], district["id"]}),
            ({"seller": fisher.id}, {fish["id"]}),
            ({"tag": "organik"}, {dear["id"]}),
            ({"q": f"{word} SUPER"}, {dear["id"]}),
            ({"q": f"cakalang {word.upper()}"}, {fish["id"]}),
        ]
        for params, expected in cases:
            page = await search(gateway, buyer, **{"q": word, **params})
            assert set(ids(page)) == expected, params

    async def test_sort_by_price_and_newest(self, stack: Stack, gateway: httpx.AsyncClient) -> None:
        word = unique_word()
        seller = Seller(stack, gateway)
        made = [
            await seller.lists(shallots(title=f"Bawang {word}", price_per_unit=price))
            for price in (30000, 10000, 20000)
        ]
        asc = await search(gateway, ANONYMOUS, q=word, sort="price_asc")
        desc = await search(gateway, ANONYMOUS, q=word, sort="price_desc")
        newest = await search(gateway, ANONYMOUS, q=word)
        assert [i["price_per_unit"] for i in asc["items"]] == [10000, 20000, 30000]
        assert [i["price_per_unit"] for i in desc["items"]] == [30000, 20000, 10000]
        assert ids(newest) == [m["id"] for m in reversed(made)]


class TestVisibility:
    async def test_buyers_see_only_active_and_the_seller_sees_all_their_own(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        word = unique_word()
        seller = Seller(stack, gateway)
        active = await seller.lists(shallots(title=f"Bawang {word}"))
        draft = await seller.lists(shallots(title=f"Bawang {word}"), draft="true")
        paused = await seller.lists(shallots(title=f"Bawang {word}"))
        await gateway.post(
            f"/v1/listings/{paused['id']}/status", json={"status": "paused"}, headers=seller.headers
        )
        for headers in (ANONYMOUS, bearer(stack, "buyer"), Seller(stack, gateway).headers):
            assert ids(await search(gateway, headers, q=word)) == [active["id"]]
            asked = await search(gateway, headers, q=word, status="paused")
            assert ids(asked) == []
        own = await search(gateway, seller.headers, q=word, seller="me")
        assert set(ids(own)) == {active["id"], draft["id"], paused["id"]}
        only_drafts = await search(gateway, seller.headers, q=word, seller="me", status="draft")
        assert ids(only_drafts) == [draft["id"]]


class TestPaging:
    async def test_cursor_pages_cover_everything_once(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        word = unique_word()
        seller = Seller(stack, gateway)
        made = {
            (await seller.lists(shallots(title=f"Bawang {word}", price_per_unit=1000 + n % 3)))[
                "id"
            ]
            for n in range(7)
        }
        for sort in ("newest", "price_asc", "price_desc"):
            seen: list[str] = []
            cursor = None
            for _ in range(10):
                params: dict[str, Any] = {"q": word, "limit": 3, "sort": sort}
                if cursor:
                    params["cursor"] = cursor
                page = await search(gateway, ANONYMOUS, **params)
                seen += ids(page)
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert sorted(seen) == sorted(made), sort

    @pytest.mark.parametrize(
        "params",
        [
            {"cursor": "not-a-cursor"},
            {"cursor": "W1sibmV3ZXN0IiwxLCJ4Il1d"},
            {"limit": 0},
            {"limit": 101},
            {"price_min": 50, "price_max": 10},
            {"commodity": "durian-emas"},
            {"region": "99"},
            {"sort": "cheapest"},
            {"tag": "murah"},
            {"since": "garbage"},
        ],
    )
    async def test_bad_search_input_is_a_bilingual_422(
        self, gateway: httpx.AsyncClient, params: dict[str, Any]
    ) -> None:
        response = await gateway.get("/v1/listings", params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["message"]["en"]


class TestOfflineSync:
    async def test_only_changes_since_the_cursor_including_tombstones(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        kept = await seller.lists(shallots())
        edited = await seller.lists(shallots())
        archived = await seller.lists(shallots())
        deleted = await seller.lists(shallots())
        ids = {kept["id"], edited["id"], archived["id"], deleted["id"]}
        first, _, cursor = await sync_settled(
            gateway, seller.headers, "0", lambda r: ids <= set(r[0]), seller="me"
        )
        assert ids <= set(first)

        patch = await gateway.patch(
            f"/v1/listings/{edited['id']}",
            json={"price_per_unit": 25000},
            headers={**seller.headers, "If-Match": '"1"'},
        )
        assert patch.status_code == 200
        await gateway.post(
            f"/v1/listings/{archived['id']}/status",
            json={"status": "archived"},
            headers=seller.headers,
        )
        await gateway.delete(f"/v1/listings/{deleted['id']}", headers=seller.headers)

        items, removed, _ = await sync_settled(
            gateway, seller.headers, cursor, lambda r: len(r[0]) + len(r[1]) >= 3, seller="me"
        )
        assert set(items) == {edited["id"]}
        assert items[edited["id"]]["price_per_unit"] == 25000
        assert set(removed) == {archived["id"], deleted["id"]}
        assert removed[deleted["id"]]["deleted"] is True
        assert removed[archived["id"]]["status"] == "archived"

    async def test_buyers_get_tombstones_for_listings_no_longer_on_sale(
        self, stack: Stack, gateway: httpx.AsyncClient
    ) -> None:
        seller = Seller(stack, gateway)
        listing = await seller.lists(shallots())
        buyer = bearer(stack, "buyer")
        items, _, cursor = await sync_settled(
            gateway, buyer, "0", lambda r: bool(r[0]), seller=seller.id
        )
        assert set(items) == {listing["id"]}

        await gateway.post(
            f"/v1/listings/{listing['id']}/status",
            json={"status": "paused"},
            headers=seller.headers,
        )
        items, removed, _ = await sync_settled(
            gateway, buyer, cursor, lambda r: bool(r[0] or r[1]), seller=seller.id
        )
        assert items == {}
        assert removed[listing["id"]]["status"] == "paused"
